using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

public sealed class DeathWatchTests(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private sealed record WatchIt(IActorRef Target);

    private sealed record UnwatchIt(IActorRef Target);

    /// <summary>Watches what it is told to (twice, to prove idempotence) and reports every Terminated.</summary>
    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef probe)
        {
            Receive<WatchIt>(w =>
            {
                Context.Watch(w.Target);
                Context.Watch(w.Target);
                Sender.Tell("watching", Self);
            });
            Receive<UnwatchIt>(u =>
            {
                Context.Unwatch(u.Target);
                Sender.Tell("unwatched", Self);
            });
            Receive<Terminated>(t => probe.Tell(t, Self));
        }
    }

    private sealed class Quiet : ReceiveActor
    {
        public Quiet() => ReceiveAny(_ => { });
    }

    [Fact]
    public void Terminated_is_delivered_exactly_once_even_when_watched_twice()
    {
        var probe = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        var target = Sys.ActorOf(Props.Create(() => new Quiet()));
        Assert.Equal("watching", Ask<string>(watcher, new WatchIt(target)));
        Sys.Stop(target);
        var terminated = probe.ExpectMsg<Terminated>();
        Assert.Equal(target, terminated.ActorRef);
        Assert.True(terminated.ExistenceConfirmed);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Watching_an_actor_that_already_died_delivers_Terminated()
    {
        var probe = CreateTestProbe();
        var target = Sys.ActorOf(Props.Create(() => new Quiet()));
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);

        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        Assert.Equal("watching", Ask<string>(watcher, new WatchIt(target)));
        Assert.Equal(target, probe.ExpectMsg<Terminated>().ActorRef);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Unwatch_means_no_Terminated_arrives()
    {
        var probe = CreateTestProbe();
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        var target = Sys.ActorOf(Props.Create(() => new Quiet()));
        Ask<string>(watcher, new WatchIt(target));
        Ask<string>(watcher, new UnwatchIt(target));
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Unwatch_after_the_notification_is_queued_still_suppresses_Terminated()
    {
        using var kit = new TestKit.TestKit(new DeterministicRuntime(seed: 5), output);
        var probe = kit.CreateTestProbe();
        var watcher = kit.Sys.ActorOf(Props.Create(() => new Watcher(probe)));
        var target = kit.Sys.ActorOf(Props.Create(() => new Quiet()));
        kit.Ask<string>(watcher, new WatchIt(target));

        // Run only until the target is gone: its death notification now waits in the watcher's system queue.
        kit.Sys.Stop(target);
        while (!((IInternalActorRef)target).IsTerminated)
        {
            Assert.True(kit.Runtime!.Dispatcher.RunOne());
        }

        // The watcher handles the notification first (queuing Terminated), then the Unwatch, then the stale Terminated.
        watcher.Tell(new UnwatchIt(target), kit.TestActor);
        kit.ExpectMsg("unwatched");
        probe.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    private sealed class Ignorer : ReceiveActor
    {
        public Ignorer(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(_ => { });
        }
    }

    [Fact]
    public void An_unhandled_Terminated_fails_the_watcher_with_DeathPactException()
    {
        var target = Sys.ActorOf(Props.Create(() => new Quiet()));
        var ignorer = Sys.ActorOf(Props.Create(() => new Ignorer(target)));
        Watch(ignorer);
        Ask<ActorIdentity>(ignorer, new Identify(1));
        EventFilter.Error<DeathPactException>().ExpectOne(() => Sys.Stop(target));
        ExpectTerminated(ignorer);
    }

    private sealed class ParentWatchingChild : ReceiveActor
    {
        public ParentWatchingChild(IActorRef probe)
        {
            var child = Context.Watch(Context.ActorOf(Props.Create(() => new Quiet()), "child"));
            Receive<string>(s => s == "stop-child", _ => Context.Stop(child));
            Receive<Terminated>(t => probe.Tell(t.ActorRef.Path.Name, Self));
        }
    }

    [Fact]
    public void A_parent_watching_its_child_gets_one_Terminated_and_the_name_becomes_free()
    {
        var probe = CreateTestProbe();
        var parent = Sys.ActorOf(Props.Create(() => new ParentWatchingChild(probe)), "parent");
        parent.Tell("stop-child", null);
        probe.ExpectMsg("child");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        AwaitAssert(() => Assert.Null(Sys.ActorSelection("/user/parent/child").ResolveOneOrNull()));
    }
}

internal static class SelectionExtensions
{
    public static IActorRef? ResolveOneOrNull(this ActorSelection selection)
    {
        try
        {
            return selection.ResolveOne();
        }
        catch (ActorNotFoundException)
        {
            return null;
        }
    }
}
