namespace ActorStream.Actors;

/// <summary>A handle to an actor. Telling is fire-and-forget, ordered per sender-receiver pair.</summary>
public interface IActorRef : IEquatable<IActorRef>
{
    ActorPath Path { get; }

    void Tell(object message, IActorRef? sender);
}

/// <summary>The runtime's side of a ref: system messages, and whether the target is gone.</summary>
internal interface IInternalActorRef : IActorRef
{
    IInternalActorRef? Parent { get; }

    bool IsTerminated { get; }

    void SendSystemMessage(SystemMessage message);
}

public static class ActorRefs
{
    /// <summary>Use as sender when there is none; replies go to dead letters.</summary>
    public static readonly IActorRef NoSender = null!;

    public static void Tell(this IActorRef receiver, object message) => receiver.Tell(message, ActorCell.CurrentSelfOrNoSender);

    public static void Forward(this IActorRef receiver, object message) =>
        receiver.Tell(message, ActorCell.Current?.Sender ?? NoSender);
}

/// <summary>Common equality for refs: path and incarnation uid.</summary>
public abstract class ActorRefBase : IActorRef
{
    public abstract ActorPath Path { get; }

    public abstract void Tell(object message, IActorRef? sender);

    public bool Equals(IActorRef? other) =>
        other is not null && Path.Uid == other.Path.Uid && Path.Equals(other.Path);

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Path.GetHashCode(), Path.Uid);

    public override string ToString() => $"[{Path}#{Path.Uid}]";
}
