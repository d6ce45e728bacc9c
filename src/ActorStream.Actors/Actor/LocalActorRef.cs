using ActorStream.Actors.Dispatch;

namespace ActorStream.Actors;

/// <summary>A ref to one incarnation of a local actor. It points at its own cell, so once that incarnation is
/// gone every message to it goes to dead letters, even if a new actor now has the same name.</summary>
internal sealed class LocalActorRef(ActorCell cell, ActorPath path) : ActorRefBase, IInternalActorRef
{
    public ActorCell Cell { get; } = cell;

    public override ActorPath Path { get; } = path;

    public IInternalActorRef? Parent => Cell.ParentRef;

    public bool IsTerminated => Cell.Mailbox.IsClosed;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(new Envelope(message, sender));
    }

    public void SendSystemMessage(SystemMessage message)
    {
        if (!Cell.Mailbox.PostSystem(message))
        {
            Cell.SystemImpl.HandleDeadSystemMessage(this, message);
        }
    }
}
