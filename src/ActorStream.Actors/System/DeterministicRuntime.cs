using ActorStream.Actors.Dispatch;
using ActorStream.Actors.Scheduling;

namespace ActorStream.Actors;

/// <summary>
/// Runs actor systems on the caller's thread in virtual time. The order of mailbox runs is drawn from a
/// seeded random source and timers fire in (due, scheduling order), so the same seed gives the same run.
/// Several actor systems (simulated nodes) may share one runtime. Actor code must take time and randomness
/// from its system (Scheduler, Clock, Random) and not start thread-pool work of its own for this to hold.
/// </summary>
public sealed class DeterministicRuntime : IMessageTracer
{
    private readonly List<string> _trace = [];
    private readonly Lock _traceLock = new();

    public DeterministicRuntime(int seed, int throughput = 1)
    {
        Seed = seed;
        Random = new SeededRandom(seed);
        Scheduler = new VirtualTimeScheduler();
        Dispatcher = new DeterministicDispatcher(Random, throughput);
    }

    public int Seed { get; }

    public SeededRandom Random { get; }

    public VirtualTimeScheduler Scheduler { get; }

    public DeterministicDispatcher Dispatcher { get; }

    /// <summary>When on, every processed message is recorded as: time, receiver, sender, message.</summary>
    public bool RecordTrace { get; set; }

    public IReadOnlyList<string> Trace
    {
        get
        {
            lock (_traceLock)
            {
                return [.. _trace];
            }
        }
    }

    public TimeSpan Now => Scheduler.Elapsed;

    /// <summary>Runs ready mailboxes until none is ready. Throws if it does not settle (a livelock).</summary>
    public int RunUntilIdle(int maxSteps = 10_000_000)
    {
        var steps = 0;
        while (Dispatcher.RunOne())
        {
            if (++steps >= maxSteps)
            {
                throw new InvalidOperationException($"The simulation did not become idle within {maxSteps} mailbox runs (seed {Seed}).");
            }
        }

        return steps;
    }

    /// <summary>Moves virtual time forward, running actors and firing timers in order on the way.</summary>
    public void Advance(TimeSpan by)
    {
        var target = Scheduler.Elapsed + by;
        RunUntilIdle();
        while (Scheduler.FireNext(target))
        {
            RunUntilIdle();
        }

        Scheduler.AdvanceClockTo(target);
    }

    /// <summary>
    /// Runs until <paramref name="condition"/> holds, advancing virtual time to each next timer, for at most
    /// <paramref name="maxTime"/> of virtual time. Returns whether the condition held.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan maxTime)
    {
        var deadline = Scheduler.Elapsed + maxTime;
        while (true)
        {
            while (!condition() && Dispatcher.RunOne())
            {
            }

            if (condition())
            {
                return true;
            }

            if (!Scheduler.FireNext(deadline))
            {
                Scheduler.AdvanceClockTo(deadline);
                RunUntilIdle();
                return condition();
            }
        }
    }

    void IMessageTracer.OnInvoke(IActorRef? sender, IActorRef receiver, object message)
    {
        if (!RecordTrace)
        {
            return;
        }

        lock (_traceLock)
        {
            _trace.Add($"{Scheduler.Elapsed.TotalMilliseconds:0.###}ms {receiver.Path.ToStringWithoutAddress()} <- {sender?.Path.ToStringWithoutAddress() ?? "-"}: {message}");
        }
    }
}
