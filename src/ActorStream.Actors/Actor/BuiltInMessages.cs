namespace ActorStream.Actors;

/// <summary>Messages that may be handled without resetting the receive timeout.</summary>
public interface INotInfluenceReceiveTimeout;

/// <summary>Marker for messages the runtime handles itself (PoisonPill, Kill, Identify).</summary>
public interface IAutoReceivedMessage;

/// <summary>Stops the receiving actor once it processes this message; messages before it are handled first.</summary>
public sealed class PoisonPill : IAutoReceivedMessage
{
    public static readonly PoisonPill Instance = new();

    private PoisonPill()
    {
    }

    public override string ToString() => "PoisonPill";
}

/// <summary>Makes the receiving actor fail with <see cref="ActorKilledException"/>; its supervisor decides.</summary>
public sealed class Kill : IAutoReceivedMessage
{
    public static readonly Kill Instance = new();

    private Kill()
    {
    }

    public override string ToString() => "Kill";
}

/// <summary>Every actor answers with <see cref="ActorIdentity"/>, so a path can be turned into a ref.</summary>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;

public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);

/// <summary>Delivered to watchers, exactly once per watch, after the watched actor has stopped.</summary>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed, bool AddressTerminated)
    : IAutoReceivedMessage, IDeadLetterSuppression;

/// <summary>Sent by the runtime when no message arrived within the receive timeout.</summary>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout
{
    public static readonly ReceiveTimeout Instance = new();

    private ReceiveTimeout()
    {
    }

    public override string ToString() => "ReceiveTimeout";
}

/// <summary>Answer with this to fail an Ask: the asking task faults with <see cref="Cause"/>.</summary>
public sealed record StatusFailure(Exception Cause);

/// <summary>Marker: dead letters of these messages are not logged (they are expected).</summary>
public interface IDeadLetterSuppression;
