using Microsoft.Extensions.Logging;

namespace ActorStream.Actors.Events;

/// <summary>Published for every message that could not be delivered.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>
/// Where undeliverable messages go: published on the event stream and logged (the first few, then a
/// note that logging stops, so a flood of dead letters cannot flood the log).
/// </summary>
internal sealed class DeadLetterActorRef : ActorRefBase, IInternalActorRef
{
    private readonly ActorSystem _system;
    private readonly int _logLimit;
    private int _logged;

    public DeadLetterActorRef(ActorSystem system, ActorPath path, int logLimit)
    {
        _system = system;
        Path = path;
        _logLimit = logLimit;
    }

    public override ActorPath Path { get; }

    public IInternalActorRef? Parent => null;

    public bool IsTerminated => false;

    public override void Tell(object message, IActorRef? sender) => Tell(message, sender, this);

    public void Tell(object message, IActorRef? sender, IActorRef recipient)
    {
        if (message is DeadLetter)
        {
            return;
        }

        _system.EventStream.Publish(new DeadLetter(message, sender, recipient));
        if (message is IDeadLetterSuppression || _logLimit == 0)
        {
            return;
        }

        var count = Interlocked.Increment(ref _logged);
        if (count <= _logLimit || _logLimit < 0)
        {
            _system.Log.LogInformation(
                "Message [{Type}] from {Sender} to {Recipient} was not delivered: the recipient is stopped or does not exist ({Count} dead letters so far){More}",
                message.GetType().Name, sender?.Path.ToString() ?? "no sender", recipient.Path, count,
                count == _logLimit ? "; further dead letters are not logged (actorstream.actor.log-dead-letters)" : "");
        }
    }

    public void SendSystemMessage(SystemMessage message) => _system.HandleDeadSystemMessage(this, message);
}
