using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

public sealed class SupervisionTests : TestKit.TestKit
{
    private readonly ITestOutputHelper _output;

    public SupervisionTests(ITestOutputHelper output)
        : base(output) => _output = output;

    private sealed record Fail(Exception Cause);

    private sealed record Lifecycle(string Event, int Instance);

    private static int s_instances;

    /// <summary>Counts messages (its state) and reports every lifecycle hook to the probe.</summary>
    private sealed class Worker : ReceiveActor
    {
        private readonly IActorRef _probe;
        private readonly int _instance = Interlocked.Increment(ref s_instances);
        private int _count;

        public Worker(IActorRef probe)
        {
            _probe = probe;
            Receive<Fail>(f => throw f.Cause);
            Receive<string>(s => s == "count", _ => Sender.Tell(_count, Self));
            Receive<string>(_ => _count++);
        }

        protected override void PreStart() => _probe.Tell(new Lifecycle("PreStart", _instance), Self);

        protected override void PostStop() => _probe.Tell(new Lifecycle("PostStop", _instance), Self);

        protected override void PreRestart(Exception reason, object? message)
        {
            _probe.Tell(new Lifecycle("PreRestart", _instance), Self);
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell(new Lifecycle("PostRestart", _instance), Self);
            base.PostRestart(reason);
        }
    }

    private IActorRef Child(IActorRef supervisor, Props props, string name = "child") =>
        Ask<IActorRef>(supervisor, new TestSupervisor.CreateChild(props, name));

    private IActorRef SupervisorWith(SupervisorStrategy strategy) => Sys.ActorOf(Props.Create(() => new TestSupervisor(strategy)));

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var probe = CreateTestProbe();
        var supervisor = SupervisorWith(new OneForOneStrategy(_ => Directive.Resume));
        var child = Child(supervisor, Props.Create(() => new Worker(probe)));
        var started = probe.ExpectMsg<Lifecycle>(l => l.Event == "PreStart");
        child.Tell("a", null);
        child.Tell("b", null);
        EventFilter.Warning(contains: "resuming").ExpectOne(() => child.Tell(new Fail(new InvalidOperationException("boom")), null));
        Assert.Equal(2, Ask<int>(child, "count"));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Assert.Equal("PreStart", started.Event);
    }

    [Fact]
    public void Restart_replaces_the_instance_runs_the_hooks_in_order_and_keeps_the_mailbox()
    {
        var probe = CreateTestProbe();
        var supervisor = SupervisorWith(new OneForOneStrategy(_ => Directive.Restart));
        var child = Child(supervisor, Props.Create(() => new Worker(probe)));
        var first = probe.ExpectMsg<Lifecycle>(l => l.Event == "PreStart").Instance;

        child.Tell("a", null);
        child.Tell(new Fail(new InvalidOperationException("boom")), null);
        // Queued behind the failing message: must survive the restart and reach the new instance.
        child.Tell("b", null);
        child.Tell("c", null);

        Assert.Equal(new Lifecycle("PreRestart", first), probe.ExpectMsg<Lifecycle>());
        Assert.Equal(new Lifecycle("PostStop", first), probe.ExpectMsg<Lifecycle>());
        var second = probe.ExpectMsg<Lifecycle>(l => l.Event == "PostRestart").Instance;
        Assert.NotEqual(first, second);
        Assert.Equal(new Lifecycle("PreStart", second), probe.ExpectMsg<Lifecycle>());

        // State was reset ("a" is gone), the failing message was dropped, "b" and "c" were kept.
        Assert.Equal(2, Ask<int>(child, "count"));
    }

    [Fact]
    public void Stop_directive_stops_the_child_and_watchers_see_it_terminate()
    {
        var probe = CreateTestProbe();
        var supervisor = SupervisorWith(new OneForOneStrategy(_ => Directive.Stop));
        var child = Child(supervisor, Props.Create(() => new Worker(probe)));
        Watch(child);
        child.Tell(new Fail(new InvalidOperationException("boom")), null);
        ExpectTerminated(child);
        probe.FishForMessage<Lifecycle>(l => l.Event == "PostStop");
    }

    [Fact]
    public void Escalate_fails_the_supervisor_whose_own_supervisor_then_decides()
    {
        var probe = CreateTestProbe();
        var top = SupervisorWith(new OneForOneStrategy(_ => Directive.Stop));
        var middle = Child(top, Props.Create(() => new TestSupervisor(new OneForOneStrategy(_ => Directive.Escalate))), "middle");
        var leaf = Ask<IActorRef>(middle, new TestSupervisor.CreateChild(Props.Create(() => new Worker(probe)), "leaf"));
        Watch(middle);
        Watch(leaf);
        leaf.Tell(new Fail(new InvalidOperationException("escalated")), null);

        // top stops middle, and stopping middle stops its child first.
        var terminated = ReceiveN(2).Cast<Terminated>().Select(t => t.ActorRef).ToList();
        Assert.Equal([leaf, middle], terminated);
    }

    [Fact]
    public void AllForOne_restarts_every_sibling_when_one_fails()
    {
        var probeA = CreateTestProbe();
        var probeB = CreateTestProbe();
        var supervisor = SupervisorWith(new AllForOneStrategy(_ => Directive.Restart));
        var a = Child(supervisor, Props.Create(() => new Worker(probeA)), "a");
        var b = Child(supervisor, Props.Create(() => new Worker(probeB)), "b");
        probeA.ExpectMsg<Lifecycle>(l => l.Event == "PreStart");
        probeB.ExpectMsg<Lifecycle>(l => l.Event == "PreStart");
        b.Tell("state", null);
        Assert.Equal(1, Ask<int>(b, "count"));

        a.Tell(new Fail(new InvalidOperationException("boom")), null);

        probeA.FishForMessage<Lifecycle>(l => l.Event == "PostRestart");
        probeB.FishForMessage<Lifecycle>(l => l.Event == "PostRestart");
        Assert.Equal(0, Ask<int>(b, "count"));
    }

    [Fact]
    public void AllForOne_stop_stops_every_sibling()
    {
        var supervisor = SupervisorWith(new AllForOneStrategy(_ => Directive.Stop));
        var a = Child(supervisor, Props.Create(() => new Worker(CreateTestProbe())), "a");
        var b = Child(supervisor, Props.Create(() => new Worker(CreateTestProbe())), "b");
        Watch(a);
        Watch(b);
        a.Tell(new Fail(new InvalidOperationException("boom")), null);
        var terminated = ReceiveN(2).Cast<Terminated>().Select(t => t.ActorRef).ToHashSet();
        Assert.Equal([a, b], terminated);
    }

    private sealed class FailingConstructor : ReceiveActor
    {
        public static int Attempts;

        public FailingConstructor()
        {
            Interlocked.Increment(ref Attempts);
            throw new InvalidOperationException("constructor failed");
        }
    }

    [Fact]
    public void A_failing_constructor_stops_the_actor_under_the_default_strategy()
    {
        FailingConstructor.Attempts = 0;
        var supervisor = SupervisorWith(SupervisorStrategy.DefaultStrategy);
        IActorRef child = null!;
        EventFilter.Error<ActorInitializationException>().ExpectOne(() =>
        {
            child = Child(supervisor, Props.Create(() => new FailingConstructor()));
        });
        Watch(child);
        ExpectTerminated(child);
        Assert.Equal(1, FailingConstructor.Attempts);

        // The actor never existed as an instance, so messages to it are dead letters.
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters, typeof(Events.DeadLetter));
        child.Tell("hello", null);
        Assert.Equal("hello", deadLetters.ExpectMsg<Events.DeadLetter>().Message);
    }

    [Fact]
    public void A_failing_constructor_is_retried_up_to_the_limit_then_stopped()
    {
        FailingConstructor.Attempts = 0;
        var supervisor = SupervisorWith(new OneForOneStrategy(3, null, _ => Directive.Restart));
        var child = Child(supervisor, Props.Create(() => new FailingConstructor()));
        Watch(child);
        ExpectTerminated(child);

        // One creation plus three restarts, then the fourth failure exceeds the limit and the child is stopped.
        Assert.Equal(4, FailingConstructor.Attempts);
    }

    [Fact]
    public void Restarts_are_limited_within_the_time_window_and_the_window_resets_in_virtual_time()
    {
        using var kit = new TestKit.TestKit(new DeterministicRuntime(seed: 11), _output);
        var probe = kit.CreateTestProbe();
        var supervisor = kit.Sys.ActorOf(Props.Create(() => new TestSupervisor(new OneForOneStrategy(2, TimeSpan.FromSeconds(10), _ => Directive.Restart))));
        var child = kit.Ask<IActorRef>(supervisor, new TestSupervisor.CreateChild(Props.Create(() => new Worker(probe)), "w"));
        kit.Watch(child);

        child.Tell(new Fail(new InvalidOperationException("1")), null);
        child.Tell(new Fail(new InvalidOperationException("2")), null);
        probe.FishForMessage<Lifecycle>(l => l.Event == "PostRestart");
        probe.FishForMessage<Lifecycle>(l => l.Event == "PostRestart");

        // Outside the window the count starts again: two more restarts are allowed.
        kit.Runtime!.Advance(TimeSpan.FromSeconds(11));
        child.Tell(new Fail(new InvalidOperationException("3")), null);
        child.Tell(new Fail(new InvalidOperationException("4")), null);
        probe.FishForMessage<Lifecycle>(l => l.Event == "PostRestart");
        probe.FishForMessage<Lifecycle>(l => l.Event == "PostRestart");
        kit.ExpectNoMsg(TimeSpan.FromSeconds(1));

        // The third failure within 10 s exceeds the limit: the child is stopped.
        child.Tell(new Fail(new InvalidOperationException("5")), null);
        kit.ExpectTerminated(child);
    }

    private sealed class FailingPostStop(IActorRef probe) : ReceiveActor
    {
        protected override void PostStop()
        {
            probe.Tell("PostStop ran", Self);
            throw new InvalidOperationException("PostStop failed");
        }
    }

    [Fact]
    public void A_failing_PostStop_is_logged_and_the_actor_still_terminates_exactly_once()
    {
        var actor = Sys.ActorOf(Props.Create(() => new FailingPostStop(TestActor)));
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        EventFilter.Error<InvalidOperationException>(contains: "PostStop").ExpectOne(() => Sys.Stop(actor));
        ExpectMsg("PostStop ran");
        watcher.ExpectTerminated(actor);
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Kill_fails_the_actor_with_ActorKilledException_and_the_default_strategy_stops_it()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Worker(CreateTestProbe())));
        Watch(actor);
        EventFilter.Error<ActorKilledException>().ExpectOne(() => actor.Tell(Kill.Instance, null));
        ExpectTerminated(actor);
    }

    [Fact]
    public void A_failure_report_from_a_previous_incarnation_is_ignored()
    {
        var probe = CreateTestProbe();
        var supervisor = SupervisorWith(new OneForOneStrategy(_ => Directive.Stop));
        var child = Child(supervisor, Props.Create(() => new Worker(probe)));
        probe.ExpectMsg<Lifecycle>();
        var stale = ((LocalActorRef)child).Path.Uid + 12345;

        // A Failed naming another incarnation's uid must not stop the current child.
        ((IInternalActorRef)supervisor).SendSystemMessage(new Failed((IInternalActorRef)child, new InvalidOperationException("stale"), stale));
        child.Tell("x", null);
        Assert.Equal(1, Ask<int>(child, "count"));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Stopping_a_parent_stops_children_first()
    {
        var probe = CreateTestProbe();
        var parent = SupervisorWith(SupervisorStrategy.DefaultStrategy);
        var child = Child(parent, Props.Create(() => new Worker(probe)));
        probe.ExpectMsg<Lifecycle>(l => l.Event == "PreStart");
        Watch(parent);
        Watch(child);
        Sys.Stop(parent);
        Assert.Equal(child, ExpectMsg<Terminated>().ActorRef);
        Assert.Equal(parent, ExpectMsg<Terminated>().ActorRef);
        probe.ExpectMsg<Lifecycle>(l => l.Event == "PostStop");
    }
}
