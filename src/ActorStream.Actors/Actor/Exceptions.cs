namespace ActorStream.Actors;

public class ActorStreamException : Exception
{
    public ActorStreamException(string message)
        : base(message)
    {
    }

    public ActorStreamException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>The actor's constructor or PreStart threw; by default the supervisor stops it.</summary>
public sealed class ActorInitializationException : ActorStreamException
{
    public ActorInitializationException(IActorRef? actor, string message, Exception? cause)
        : base(message, cause) => Actor = actor;

    public IActorRef? Actor { get; }
}

/// <summary>Raised in an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException : ActorStreamException
{
    public ActorKilledException(string message)
        : base(message)
    {
    }
}

/// <summary>Raised when a watched actor terminates and the watcher does not handle <see cref="Terminated"/>.</summary>
public sealed class DeathPactException : ActorStreamException
{
    public DeathPactException(IActorRef dead)
        : base($"Monitored actor [{dead.Path}] terminated and the watcher does not handle Terminated") => DeadActor = dead;

    public IActorRef DeadActor { get; }
}

public sealed class InvalidActorNameException : ActorStreamException
{
    public InvalidActorNameException(string message)
        : base(message)
    {
    }
}

/// <summary>The actor is used in a way its current state forbids (e.g. stashing the same message twice).</summary>
public sealed class IllegalActorStateException : ActorStreamException
{
    public IllegalActorStateException(string message)
        : base(message)
    {
    }
}

/// <summary>An Ask got no answer in time.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    public AskTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>Thrown by a supervisor's PostRestart/PreRestart hooks; wraps the original cause.</summary>
public sealed class PostRestartException : ActorStreamException
{
    public PostRestartException(IActorRef actor, Exception cause, Exception originalCause)
        : base($"Exception post restart of [{actor.Path}] ({originalCause.GetType().Name})", cause) => OriginalCause = originalCause;

    public Exception OriginalCause { get; }
}
