using ActorStream.Actors.Dispatch;
using ActorStream.Actors.Scheduling;
using Microsoft.Extensions.Logging;

namespace ActorStream.Actors;

/// <summary>
/// What an actor system takes from outside instead of from the machine: time, timers, randomness, the
/// dispatcher and logging. Leave a property null for the production default.
/// </summary>
public sealed record ActorSystemSetup
{
    public IScheduler? Scheduler { get; init; }

    public IRandomSource? Random { get; init; }

    public IDispatcher? Dispatcher { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Called for every user message an actor is about to process (simulation traces, debugging).</summary>
    public IMessageTracer? Tracer { get; init; }

    /// <summary>Runs the system on a <see cref="DeterministicRuntime"/>: one thread, virtual time, seeded choices.</summary>
    public static ActorSystemSetup Deterministic(DeterministicRuntime runtime, ILoggerFactory? loggerFactory = null) => new()
    {
        Scheduler = runtime.Scheduler,
        Random = runtime.Random,
        Dispatcher = runtime.Dispatcher,
        LoggerFactory = loggerFactory,
        Tracer = runtime,
    };
}

public interface IMessageTracer
{
    void OnInvoke(IActorRef? sender, IActorRef receiver, object message);
}
