namespace ActorStream.Actors;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; drop the failing message.</summary>
    Resume,

    /// <summary>Replace the instance; the mailbox (and stash, returned to it) survive, the failing message is dropped.</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}

public abstract class SupervisorStrategy
{
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive>? decider, bool loggingEnabled)
    {
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider ?? DefaultDecider;
        LoggingEnabled = loggingEnabled;
    }

    /// <summary>Initialization failures, Kill and unhandled Terminated stop the child; anything else restarts it.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    public static readonly SupervisorStrategy DefaultStrategy = new OneForOneStrategy(-1, null, DefaultDecider);

    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/>; negative means unlimited.</summary>
    public int MaxNrOfRetries { get; }

    public TimeSpan? WithinTimeRange { get; }

    public Func<Exception, Directive> Decider { get; }

    public bool LoggingEnabled { get; }

    public Directive Decide(Exception cause) => Decider(cause);

    internal abstract void ProcessFailure(ActorCell supervisor, bool restart, ChildStats failed, Exception cause, IReadOnlyList<ChildStats> children);

    private protected void RestartOrStop(ActorCell supervisor, ChildStats child, Exception cause)
    {
        if (child.RequestRestartPermission(supervisor.Now, MaxNrOfRetries, WithinTimeRange))
        {
            supervisor.RestartChild(child, cause);
        }
        else
        {
            supervisor.StopChild(child);
        }
    }
}

/// <summary>The directive applies to the failed child only.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    public OneForOneStrategy(Func<Exception, Directive> decider)
        : this(-1, null, decider)
    {
    }

    internal override void ProcessFailure(ActorCell supervisor, bool restart, ChildStats failed, Exception cause, IReadOnlyList<ChildStats> children)
    {
        if (restart)
        {
            RestartOrStop(supervisor, failed, cause);
        }
        else
        {
            supervisor.StopChild(failed);
        }
    }
}

/// <summary>Restart and Stop apply to all children of the supervisor; Resume to the failed child only.</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    public AllForOneStrategy(Func<Exception, Directive> decider)
        : this(-1, null, decider)
    {
    }

    internal override void ProcessFailure(ActorCell supervisor, bool restart, ChildStats failed, Exception cause, IReadOnlyList<ChildStats> children)
    {
        var now = supervisor.Now;
        if (restart && children.All(c => c.Stopping || c.RequestRestartPermission(now, MaxNrOfRetries, WithinTimeRange)))
        {
            foreach (var child in children.Where(c => !c.Stopping))
            {
                supervisor.RestartChild(child, cause);
            }
        }
        else
        {
            foreach (var child in children.Where(c => !c.Stopping))
            {
                supervisor.StopChild(child);
            }
        }
    }
}
