using System.Diagnostics;
using ActorStream.Actors;
using ActorStream.Hocon;
using ActorStream.TestKit.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorStream.TestKit;

/// <summary>
/// One actor system per test, logs routed to the test output, a default probe (<see cref="TestActor"/>) and
/// the expectations of Akka's TestKit. With a <see cref="DeterministicRuntime"/> the whole test runs on one
/// thread in virtual time: waiting for a message runs the actors and fires timers instead of blocking, so
/// a 30-second timeout costs nothing and the same seed gives the same run.
/// </summary>
public abstract class TestKitBase : IDisposable
{
    private static int s_systemCounter;
    private readonly Stopwatch _realTime = Stopwatch.StartNew();
    private readonly ITestOutputHelper? _output;
    private TimeSpan? _withinEnd;
    private int _probeCounter;
    private bool _disposed;

    protected TestKitBase(ITestOutputHelper? output, Config? config, DeterministicRuntime? runtime, string? systemName)
    {
        _output = output;
        Runtime = runtime;
        LogEntries = new TestLoggerFactory(output);
        var setup = runtime is null
            ? new ActorSystemSetup { LoggerFactory = LogEntries }
            : ActorSystemSetup.Deterministic(runtime, LogEntries);
        Sys = ActorSystem.Create(systemName ?? $"test-{Interlocked.Increment(ref s_systemCounter)}", config, setup);
        Settings = new TestKitSettings(Sys.Settings);
        EventFilter = new EventFilterFactory(this);
        TestActor = CreateTestProbe("testActor");
    }

    public ActorSystem Sys { get; }

    /// <summary>The deterministic runtime in virtual-time mode; null in real time.</summary>
    public DeterministicRuntime? Runtime { get; }

    public bool IsVirtualTime => Runtime is not null;

    public TestKitSettings Settings { get; }

    /// <summary>Everything the actor system logged during this test.</summary>
    public TestLoggerFactory LogEntries { get; }

    public EventFilterFactory EventFilter { get; }

    /// <summary>The default probe; the ExpectMsg family of this class reads its queue.</summary>
    public TestProbe TestActor { get; }

    public IActorRef LastSender => TestActor.LastSender;

    /// <summary>Virtual time in virtual-time mode, otherwise real time since the test started.</summary>
    public TimeSpan Now => Runtime?.Now ?? _realTime.Elapsed;

    public TestProbe CreateTestProbe(string? name = null) =>
        new(this, ActorPath.Root(Sys.Address) / "system" / $"{name ?? "testProbe"}-{Interlocked.Increment(ref _probeCounter)}");

    public IActorRef ActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    /// <summary>Scales a real-time duration by actorstream.test.timefactor (virtual time is never scaled).</summary>
    public TimeSpan Dilated(TimeSpan duration) => IsVirtualTime ? duration : duration * Settings.TimeFactor;

    /// <summary>An explicit timeout (dilated), else what is left of the enclosing Within, else the default.</summary>
    public TimeSpan Remaining(TimeSpan? explicitTimeout = null)
    {
        if (explicitTimeout is { } t)
        {
            return Dilated(t);
        }

        if (_withinEnd is { } end)
        {
            var left = end - Now;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        return Dilated(Settings.SingleExpectDefault);
    }

    public T ExpectMsg<T>(TimeSpan? timeout = null) => TestActor.ExpectMsg<T>(timeout);

    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) => TestActor.ExpectMsg(expected, timeout);

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? timeout = null, string? hint = null) =>
        TestActor.ExpectMsg(predicate, timeout, hint);

    public void ExpectNoMsg(TimeSpan? duration = null) => TestActor.ExpectNoMsg(duration);

    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? timeout = null) => TestActor.ExpectTerminated(actor, timeout);

    public T FishForMessage<T>(Predicate<T> predicate, TimeSpan? timeout = null) => TestActor.FishForMessage(predicate, timeout);

    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? timeout = null) => TestActor.ReceiveN(count, timeout);

    public IActorRef Watch(IActorRef actor) => TestActor.Watch(actor);

    public IActorRef Unwatch(IActorRef actor) => TestActor.Unwatch(actor);

    /// <summary>Runs <paramref name="action"/>, failing if it takes longer than <paramref name="max"/>; expectations inside
    /// without their own timeout get what is left of <paramref name="max"/>.</summary>
    public void Within(TimeSpan max, Action action) => Within(TimeSpan.Zero, max, () =>
    {
        action();
        return true;
    });

    public T Within<T>(TimeSpan min, TimeSpan max, Func<T> action)
    {
        var start = Now;
        var dilatedMax = Dilated(max);
        var outer = _withinEnd;
        _withinEnd = start + dilatedMax;
        try
        {
            var result = action();
            var elapsed = Now - start;
            if (elapsed < min)
            {
                throw new XunitException($"Block finished in {elapsed.TotalMilliseconds:0} ms, earlier than the minimum of {min.TotalMilliseconds:0} ms");
            }

            if (elapsed > dilatedMax)
            {
                throw new XunitException($"Block took {elapsed.TotalMilliseconds:0} ms, longer than the maximum of {dilatedMax.TotalMilliseconds:0} ms");
            }

            return result;
        }
        finally
        {
            _withinEnd = outer;
        }
    }

    /// <summary>Retries <paramref name="assertion"/> until it passes or <paramref name="duration"/> runs out, then rethrows its failure.</summary>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        var end = Now + (duration is { } d ? Dilated(d) : Remaining(Settings.AwaitDefault));
        var every = interval ?? Settings.AwaitInterval;
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (Now < end)
            {
                Pause(every);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="duration"/>.</summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? duration = null, string? message = null)
    {
        var max = duration is { } d ? Dilated(d) : Remaining(Settings.AwaitDefault);
        if (!WaitFor(condition, max, dilate: false))
        {
            throw new XunitException($"Condition not met within {max.TotalMilliseconds:0} ms{(message is null ? "" : ": " + message)}");
        }
    }

    /// <summary>Asks and waits for the answer; in virtual time this runs the actors until the reply arrives.</summary>
    public T Ask<T>(IActorRef actor, object message, TimeSpan? timeout = null)
    {
        var max = Remaining(timeout);
        var task = actor.Ask<T>(message, max);
        if (IsVirtualTime)
        {
            Runtime!.RunUntil(() => task.IsCompleted, max + TimeSpan.FromMilliseconds(1));
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds. In virtual time this runs the actors and fires timers
    /// up to <paramref name="max"/> of virtual time; in real time it re-checks at the await interval.
    /// </summary>
    public bool WaitFor(Func<bool> condition, TimeSpan max, bool dilate = true)
    {
        if (dilate)
        {
            max = Dilated(max);
        }

        if (Runtime is { } runtime)
        {
            return runtime.RunUntil(condition, max);
        }

        var end = Now + max;
        while (!condition())
        {
            if (Now >= end)
            {
                return condition();
            }

            Pause(Settings.AwaitInterval);
        }

        return true;
    }

    /// <summary>
    /// Lets in-flight work finish: in virtual time, runs every ready actor (no time passes); in real time,
    /// waits actorstream.test.expect-no-message-default.
    /// </summary>
    internal void Settle()
    {
        if (Runtime is { } runtime)
        {
            runtime.RunUntilIdle();
        }
        else
        {
            WaitFor(static () => false, Dilated(Settings.ExpectNoMessageDefault), dilate: false);
        }
    }

    internal bool WaitUntil(Func<bool> condition, TimeSpan? timeout) => WaitFor(condition, Remaining(timeout), dilate: false);

    private void Pause(TimeSpan interval)
    {
        if (Runtime is { } runtime)
        {
            runtime.Advance(interval);
        }
        else
        {
            Thread.Sleep(interval);
        }
    }

    /// <summary>Stops the actor system and waits (or, in virtual time, runs) until it has stopped.</summary>
    protected virtual void Shutdown()
    {
        var terminated = Sys.Terminate();
        var stopped = Runtime is { } runtime
            ? runtime.RunUntil(() => terminated.IsCompleted, Settings.ShutdownTimeout)
            : terminated.Wait(Dilated(Settings.ShutdownTimeout));
        if (!stopped)
        {
            _output?.WriteLine($"Actor system {Sys.Name} did not stop within {Settings.ShutdownTimeout.TotalSeconds:0} s");
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            Shutdown();
        }
    }
}

/// <summary>The TestKit for xunit test classes: derive from it and take ITestOutputHelper in your constructor.</summary>
public class TestKit : TestKitBase
{
    public TestKit(ITestOutputHelper? output = null, string? config = null, string? systemName = null)
        : base(output, Parse(config), null, systemName)
    {
    }

    /// <summary>Virtual-time mode: the test runs deterministically on <paramref name="runtime"/>.</summary>
    public TestKit(DeterministicRuntime runtime, ITestOutputHelper? output = null, string? config = null, string? systemName = null)
        : base(output, Parse(config), runtime, systemName)
    {
    }

    private static Config? Parse(string? config) => config is null ? null : ConfigFactory.ParseString(config, "test config");
}
