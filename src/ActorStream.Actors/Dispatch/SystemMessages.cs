namespace ActorStream.Actors;

/// <summary>Runtime-internal lifecycle messages; processed before any user message in the mailbox.</summary>
internal abstract record SystemMessage;

internal sealed record Create : SystemMessage
{
    public static readonly Create Instance = new();
}

internal sealed record Recreate(Exception Cause) : SystemMessage;

internal sealed record Suspend : SystemMessage
{
    public static readonly Suspend Instance = new();
}

internal sealed record Resume(Exception? CausedByFailure) : SystemMessage;

internal sealed record Terminate : SystemMessage
{
    public static readonly Terminate Instance = new();
}

internal sealed record Watch(IInternalActorRef Watchee, IInternalActorRef Watcher) : SystemMessage;

internal sealed record Unwatch(IInternalActorRef Watchee, IInternalActorRef Watcher) : SystemMessage;

/// <summary>A child failed. <see cref="Uid"/> names the failing incarnation, so a late report about a
/// previous incarnation is ignored.</summary>
internal sealed record Failed(IInternalActorRef Child, Exception Cause, long Uid) : SystemMessage;

internal sealed record DeathWatchNotification(IActorRef Actor, bool ExistenceConfirmed, bool AddressTerminated) : SystemMessage;

/// <summary>An await continuation of a ReceiveAsync handler, run inside the actor.</summary>
internal sealed record RunContinuation(SendOrPostCallback Callback, object? State) : SystemMessage;

/// <summary>The task of a ReceiveAsync handler finished; the actor may take the next message.</summary>
internal sealed record AsyncHandlerCompleted(Task Task, long Incarnation) : SystemMessage;
