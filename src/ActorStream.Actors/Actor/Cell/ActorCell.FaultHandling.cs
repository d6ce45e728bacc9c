using Microsoft.Extensions.Logging;

namespace ActorStream.Actors;

internal sealed partial class ActorCell
{
    private bool _isFailed;
    private bool _isTerminating;
    private Exception? _pendingRecreateCause;

    public bool IsTerminating => _isTerminating;

    /// <summary>The actor threw: suspend it and its children and let the parent decide.</summary>
    private void HandleInvokeFailure(Exception cause)
    {
        if (_isTerminating)
        {
            Log.LogError(cause, "[{Path}] failed while stopping; it stops anyway", SelfRef.Path);
            return;
        }

        if (_isFailed)
        {
            // Already waiting for the supervisor's decision on an earlier failure.
            return;
        }

        _isFailed = true;
        Mailbox.Suspend();
        foreach (var stats in ChildStatsSnapshot())
        {
            stats.Child.SendSystemMessage(Actors.Suspend.Instance);
        }

        ParentRef.SendSystemMessage(new Failed(SelfRef, cause, Uid));
    }

    /// <summary>A child failed: apply this actor's supervisor strategy.</summary>
    private void HandleFailed(Failed failed)
    {
        if (_isTerminating)
        {
            return;
        }

        if (!TryGetChildStats(failed.Child, out var stats) || stats.Uid != failed.Uid)
        {
            Log.LogDebug("Ignoring a failure report from a stale incarnation of [{Child}]", failed.Child.Path);
            return;
        }

        var strategy = SupervisorStrategy;
        var directive = strategy.Decide(failed.Cause);
        LogFailure(failed.Child, failed.Cause, directive);
        switch (directive)
        {
            case Directive.Resume:
                failed.Child.SendSystemMessage(new Resume(failed.Cause));
                break;
            case Directive.Restart:
                strategy.ProcessFailure(this, restart: true, stats, failed.Cause, ChildStatsSnapshot());
                break;
            case Directive.Stop:
                strategy.ProcessFailure(this, restart: false, stats, failed.Cause, ChildStatsSnapshot());
                break;
            case Directive.Escalate:
                // Fail as if this actor had thrown the child's exception; our own supervisor decides.
                HandleInvokeFailure(failed.Cause);
                break;
        }
    }

    private void LogFailure(IActorRef child, Exception cause, Directive directive)
    {
        if (!SupervisorStrategy.LoggingEnabled)
        {
            return;
        }

        if (directive == Directive.Resume)
        {
            Log.LogWarning(cause, "[{Child}] failed with {Error}: {Message}; resuming it", child.Path, cause.GetType().Name, cause.Message);
        }
        else if (directive != Directive.Escalate)
        {
            Log.LogError(cause, "[{Child}] failed with {Error}: {Message}; supervisor decided to {Directive} it",
                child.Path, cause.GetType().Name, cause.Message, directive.ToString().ToUpperInvariant());
        }
    }

    internal void RestartChild(ChildStats stats, Exception cause) => stats.Child.SendSystemMessage(new Recreate(cause));

    internal void StopChild(ChildStats stats)
    {
        stats.Stopping = true;
        stats.Child.SendSystemMessage(Actors.Terminate.Instance);
    }

    internal TimeSpan Now => SystemImpl.Scheduler.Clock.Elapsed;

    private void FaultSuspend()
    {
        Mailbox.Suspend();
        foreach (var stats in ChildStatsSnapshot())
        {
            stats.Child.SendSystemMessage(Actors.Suspend.Instance);
        }
    }

    private void FaultResume(Exception? causedByFailure)
    {
        if (causedByFailure is not null)
        {
            if (!_isFailed)
            {
                return;
            }

            _isFailed = false;
        }

        Mailbox.Resume();
        foreach (var stats in ChildStatsSnapshot())
        {
            stats.Child.SendSystemMessage(new Resume(null));
        }
    }

    private void FaultRecreate(Exception cause)
    {
        if (_isTerminating)
        {
            return;
        }

        CancelAsyncWait();
        if (_actor is null)
        {
            // The constructor failed: there is no instance to tear down, just try again.
            _isFailed = false;
            Mailbox.Resume();
            CreateActor();
            return;
        }

        var failedActor = _actor;
        var failedMessage = _currentEnvelope.Message;
        try
        {
            // Stashed messages go back in front of the mailbox: the stash is instance state, the mailbox is not.
            (failedActor as IWithStash)?.Stash.UnstashAll();
            _timers?.CancelAll();
            CancelReceiveTimeout();
            failedActor.AroundPreRestart(cause, failedMessage);
        }
        catch (Exception e)
        {
            Log.LogError(e, "PreRestart of [{Path}] threw; restarting anyway", SelfRef.Path);
        }

        _actor = null;
        _behaviors.Clear();
        _currentEnvelope = default;
        if (HasStoppingChildren)
        {
            // Restart only once the children PreRestart stopped are gone, so their names are free again.
            _pendingRecreateCause = cause;
        }
        else
        {
            FinishRecreate(cause);
        }
    }

    private void FinishRecreate(Exception cause)
    {
        _pendingRecreateCause = null;
        _isFailed = false;
        Mailbox.Resume();
        var survivors = ChildStatsSnapshot();
        try
        {
            _actor = NewActorInstance();
            _actor.AroundPostRestart(cause);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(new ActorInitializationException(SelfRef, $"Exception during restart of [{SelfRef.Path}]: {e.Message}", e));
            return;
        }

        foreach (var survivor in survivors)
        {
            survivor.Child.SendSystemMessage(new Recreate(cause));
        }
    }

    /// <summary>Stop: stop the children first, then PostStop, then tell watchers and the parent.</summary>
    private void HandleTerminate()
    {
        if (_isTerminating)
        {
            return;
        }

        lock (_childrenLock)
        {
            _isTerminating = true;
        }

        CancelAsyncWait();
        _timers?.CancelAll();
        CancelReceiveTimeout();
        UnwatchAll();
        Mailbox.Suspend();
        StopAllChildren();
        if (!HasChildren)
        {
            FinishTerminate();
        }
    }

    private void FinishTerminate()
    {
        var actor = _actor;
        try
        {
            if (actor is not null)
            {
                (actor as IWithStash)?.Stash.UnstashAll();
                actor.AroundPostStop();
            }
        }
        catch (Exception e)
        {
            Log.LogError(e, "PostStop of [{Path}] threw {Error}: {Message}; the actor is stopped regardless",
                SelfRef.Path, e.GetType().Name, e.Message);
        }
        finally
        {
            _actor = null;
            _behaviors.Clear();
            foreach (var pending in Mailbox.Close())
            {
                SystemImpl.HandleDeadSystemMessage(SelfRef, pending);
            }

            SystemImpl.EventStream.UnsubscribeAll(SelfRef);
            TellWatchersWeDied();
        }
    }
}
