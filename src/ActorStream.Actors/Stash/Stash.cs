using ActorStream.Actors.Dispatch;

namespace ActorStream.Actors;

/// <summary>Implemented by actors that stash; the runtime sets <see cref="Stash"/> before the constructor body runs.</summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}

/// <summary>
/// Messages set aside to be processed later. Unstashed messages go in front of the mailbox, in stash order.
/// On restart the stash returns to the mailbox (nothing is lost) and the new instance starts with an empty
/// stash; on stop, stashed messages go to dead letters.
/// </summary>
public interface IStash
{
    int Count { get; }

    /// <summary>Sets the current message aside. Stashing the same message twice throws.</summary>
    void Stash();

    void Unstash();

    void UnstashAll();

    void UnstashAll(Func<Envelope, bool> predicate);

    /// <summary>Empties the stash and returns what it held.</summary>
    IReadOnlyList<Envelope> ClearStash();
}
