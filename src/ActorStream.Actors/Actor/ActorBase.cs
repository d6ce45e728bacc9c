using ActorStream.Actors.Scheduling;
using ActorStream.Actors.Timers;
using Microsoft.Extensions.Logging;

namespace ActorStream.Actors;

/// <summary>
/// Base of every actor. Instances are created by the runtime from <see cref="Props"/> (never with new from
/// user code), processed one message at a time, and replaced by a fresh instance on restart.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    protected ActorBase()
    {
        _cell = ActorCell.Constructing ?? throw new IllegalActorStateException(
            $"{GetType().Name} was created with 'new'. Actors are created with ActorOf(Props.Create(...)).");
        if (this is IWithStash withStash)
        {
            withStash.Stash = new UnboundedStash(_cell);
        }
    }

    internal ActorCell Cell => _cell;

    protected IActorContext Context => _cell;

    protected IActorRef Self => _cell.Self;

    protected IActorRef Sender => _cell.Sender;

    protected ITimerScheduler Timers => _cell.Timers;

    protected IScheduler Scheduler => _cell.Scheduler;

    /// <summary>Handles one message; returns false if it was not handled.</summary>
    protected internal abstract bool Receive(object message);

    protected virtual void PreStart()
    {
    }

    protected virtual void PostStop()
    {
    }

    /// <summary>Called on the failed instance before it is replaced. By default stops all children and calls PostStop.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in _cell.GetChildren())
        {
            _cell.Unwatch(child);
            _cell.Stop(child);
        }

        PostStop();
    }

    /// <summary>Called on the fresh instance after a restart. By default calls PreStart.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.DefaultStrategy;

    /// <summary>
    /// Called for a message no behaviour handled. An unhandled <see cref="Terminated"/> fails the actor with
    /// <see cref="DeathPactException"/>; anything else is published as <see cref="UnhandledMessage"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }

        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.Sender, _cell.Self));
    }

    protected void Become(Receive receive) => _cell.Become(receive);

    protected void BecomeStacked(Receive receive) => _cell.BecomeStacked(receive);

    protected void UnbecomeStacked() => _cell.UnbecomeStacked();

    protected void SetReceiveTimeout(TimeSpan? timeout) => _cell.SetReceiveTimeout(timeout);

    protected ILogger Log => _cell.Log;

    internal void InvokeUnhandled(object message) => Unhandled(message);

    // The Around* hooks wrap the user's hooks for runtime layers built on actors (e.g. persistence), as in Akka.
    protected internal virtual void AroundPreStart() => PreStart();

    protected internal virtual void AroundPostStop() => PostStop();

    protected internal virtual void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    protected internal virtual void AroundPostRestart(Exception reason) => PostRestart(reason);

    /// <summary>Every user message passes through here on its way to the current behaviour.</summary>
    protected internal virtual bool AroundReceive(Receive receive, object message) => receive(message);

    internal SupervisorStrategy GetSupervisorStrategy() => SupervisorStrategy();
}

/// <summary>Published on the event stream for a message no behaviour handled.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);
