namespace ActorStream.Actors;

/// <summary>
/// An actor addressed by path, resolved when a message is sent: if nothing lives at the path the message goes
/// to dead letters (and an <see cref="Identify"/> is answered with an empty <see cref="ActorIdentity"/>).
/// </summary>
public sealed class ActorSelection
{
    private readonly ActorSystem _system;

    internal ActorSelection(ActorSystem system, ActorPath path)
    {
        _system = system;
        Path = path;
    }

    public ActorPath Path { get; }

    public void Tell(object message, IActorRef? sender = null)
    {
        var target = _system.ResolveLocal(Path);
        if (target is not null)
        {
            target.Tell(message, sender);
        }
        else if (message is Identify identify)
        {
            sender?.Tell(new ActorIdentity(identify.MessageId, null), _system.DeadLetters);
        }
        else
        {
            _system.DeadLetterRef.Tell(message, sender, _system.DeadLetters);
        }
    }

    /// <summary>Resolves the path to a live ref, or fails with <see cref="ActorNotFoundException"/>.</summary>
    public IActorRef ResolveOne() =>
        _system.ResolveLocal(Path) ?? throw new ActorNotFoundException($"No actor at [{Path}].");

    public override string ToString() => $"ActorSelection[{Path}]";
}

public sealed class ActorNotFoundException(string message) : ActorStreamException(message);
