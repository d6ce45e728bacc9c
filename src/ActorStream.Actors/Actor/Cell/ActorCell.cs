using ActorStream.Actors.Dispatch;
using ActorStream.Actors.Scheduling;
using ActorStream.Actors.Timers;
using Microsoft.Extensions.Logging;

namespace ActorStream.Actors;

/// <summary>
/// The runtime state of one actor: its instance, behaviour stack, children, watchers and lifecycle.
/// All mutable state is touched only by the thread currently running the mailbox, except the children
/// container (locked, because ActorOf on a guardian may come from any thread).
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic]
    private static ActorCell? t_current;

    [ThreadStatic]
    private static ActorCell? t_constructing;

    private readonly List<Receive> _behaviors = [];

    // The instance's own Receive as a delegate, made once per instance so dispatching allocates nothing.
    private Receive? _defaultBehavior;
    private ActorBase? _actor;
    private Envelope _currentEnvelope;
    private long _invokeSequence;
    private TimerScheduler? _timers;
    private SupervisorStrategy? _strategy;
    private ILogger? _log;

    public ActorCell(ActorSystem system, Props props, IInternalActorRef parent, ActorPath path, IDispatcher dispatcher)
    {
        SystemImpl = system;
        Props = props;
        ParentRef = parent;
        SelfRef = new LocalActorRef(this, path);
        Mailbox = new Mailbox(this, dispatcher);
    }

    /// <summary>The cell whose mailbox the current thread is running, if any.</summary>
    public static ActorCell? Current => t_current;

    /// <summary>The cell whose actor instance is being constructed on this thread.</summary>
    public static ActorCell? Constructing => t_constructing;

    public static IActorRef CurrentSelfOrNoSender => t_current?.SelfRef ?? ActorRefs.NoSender;

    public ActorSystem SystemImpl { get; }

    public LocalActorRef SelfRef { get; }

    public IInternalActorRef ParentRef { get; }

    public Mailbox Mailbox { get; }

    public Props Props { get; }

    public ActorSystem System => SystemImpl;

    public IActorRef Self => SelfRef;

    public IActorRef Parent => ParentRef;

    public IActorRef Sender => _currentEnvelope.Sender ?? SystemImpl.DeadLetters;

    public IScheduler Scheduler => SystemImpl.Scheduler;

    public long Uid => SelfRef.Path.Uid;

    public ActorBase? Actor => _actor;

    /// <summary>Identifies the message being processed, so the same message cannot be stashed twice.</summary>
    public long InvokeSequence => _invokeSequence;

    public Envelope CurrentEnvelope => _currentEnvelope;

    /// <summary>Sets the sender seen by Sender (persistence runs event handlers with their command's sender).</summary>
    public IActorRef? SwapSender(IActorRef? sender)
    {
        var previous = _currentEnvelope.Sender;
        _currentEnvelope = _currentEnvelope with { Sender = sender };
        return previous;
    }

    public ILogger Log => _log ??= SystemImpl.LoggerFactory.CreateLogger(Props.ActorType.FullName ?? Props.ActorType.Name);

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public ILogger GetLogger() => Log;

    private ActorCell? _previousCurrent;

    public void EnterRunner()
    {
        _previousCurrent = t_current;
        t_current = this;
    }

    public void ExitRunner() => t_current = _previousCurrent;

    /// <summary>Processes one user message.</summary>
    public void Invoke(in Envelope envelope)
    {
        _currentEnvelope = envelope;
        _invokeSequence++;
        var message = envelope.Message;
        try
        {
            SystemImpl.Tracer?.OnInvoke(envelope.Sender, SelfRef, message);
            if (_actor is null)
            {
                SystemImpl.DeadLetterRef.Tell(message, envelope.Sender, SelfRef);
                return;
            }

            switch (message)
            {
                case IAutoReceivedMessage auto:
                    AutoReceive(auto);
                    break;
                case TimerScheduler.TimerFired fired:
                    if (_timers?.Accept(fired) is { } timerMessage)
                    {
                        ReceiveMessage(timerMessage);
                    }

                    break;
                case ReceiveTimeoutTick tick:
                    OnReceiveTimeoutTick(tick);
                    return;
                default:
                    ReceiveMessage(message);
                    break;
            }

            if (_receiveTimeout is not null && message is not INotInfluenceReceiveTimeout)
            {
                RescheduleReceiveTimeout();
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            if (!_awaitingAsync)
            {
                _currentEnvelope = default;
            }
        }
    }

    private void ReceiveMessage(object message)
    {
        var actor = _actor!;
        var handled = actor.AroundReceive(_behaviors.Count > 0 ? _behaviors[^1] : _defaultBehavior!, message);
        if (!handled)
        {
            actor.InvokeUnhandled(message);
        }
    }

    private void AutoReceive(IAutoReceivedMessage message)
    {
        switch (message)
        {
            case Terminated terminated:
                // Delivered only while still watched: this is what makes Terminated arrive exactly once.
                if (_watching.Remove(terminated.ActorRef))
                {
                    ReceiveMessage(terminated);
                }

                break;
            case PoisonPill:
                Stop(SelfRef);
                break;
            case Kill:
                throw new ActorKilledException("Kill");
            case Identify identify:
                Sender.Tell(new ActorIdentity(identify.MessageId, SelfRef), SelfRef);
                break;
        }
    }

    /// <summary>Processes one system message.</summary>
    public void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create:
                    CreateActor();
                    break;
                case Recreate recreate:
                    FaultRecreate(recreate.Cause);
                    break;
                case Suspend:
                    FaultSuspend();
                    break;
                case Resume resume:
                    FaultResume(resume.CausedByFailure);
                    break;
                case Actors.Terminate:
                    HandleTerminate();
                    break;
                case Watch watch:
                    AddWatcher(watch.Watchee, watch.Watcher);
                    break;
                case Unwatch unwatch:
                    RemoveWatcher(unwatch.Watchee, unwatch.Watcher);
                    break;
                case Failed failed:
                    HandleFailed(failed);
                    break;
                case DeathWatchNotification notification:
                    WatchedActorTerminated(notification);
                    break;
                case RunContinuation continuation:
                    RunContinuation(continuation);
                    break;
                case AsyncHandlerCompleted completed:
                    OnAsyncHandlerCompleted(completed);
                    break;
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
    }

    private ActorBase NewActorInstance()
    {
        var previous = t_constructing;
        t_constructing = this;
        try
        {
            _behaviors.Clear();
            _strategy = null;
            var actor = Props.Factory();
            _defaultBehavior = actor.Receive;
            return actor;
        }
        finally
        {
            t_constructing = previous;
        }
    }

    private void CreateActor()
    {
        try
        {
            _actor = NewActorInstance();
            _actor.AroundPreStart();
        }
        catch (Exception e)
        {
            HandleInvokeFailure(new ActorInitializationException(SelfRef, $"Exception during creation of [{SelfRef.Path}]: {e.Message}", e));
        }
    }

    public SupervisorStrategy SupervisorStrategy =>
        _strategy ??= Props.SupervisorStrategy ?? _actor?.GetSupervisorStrategy() ?? Actors.SupervisorStrategy.DefaultStrategy;

    public void Become(Receive receive)
    {
        if (_behaviors.Count > 0)
        {
            _behaviors.RemoveAt(_behaviors.Count - 1);
        }

        _behaviors.Add(receive);
    }

    public void BecomeStacked(Receive receive) => _behaviors.Add(receive);

    public void UnbecomeStacked()
    {
        if (_behaviors.Count > 0)
        {
            _behaviors.RemoveAt(_behaviors.Count - 1);
        }
    }

    public ActorSelection ActorSelection(string path) => SystemImpl.ActorSelection(path);

    public override string ToString() => $"ActorCell({SelfRef.Path})";
}
