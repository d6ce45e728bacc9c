using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

public sealed class StashAndBecomeTests(ITestOutputHelper output) : TestKit.TestKit(output)
{
    /// <summary>Stashes strings until "open", then replays them; "fail" makes it throw.</summary>
    private sealed class Doorman : ReceiveActor, IWithStash
    {
        private readonly IActorRef _probe;

        public Doorman(IActorRef probe)
        {
            _probe = probe;
            Closed();
        }

        public IStash Stash { get; set; } = null!;

        private void Closed()
        {
            Receive<string>(s => s == "open", _ =>
            {
                Become(Open);
                Stash.UnstashAll();
            });
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("fail while closed"));
            Receive<string>(s => s == "count", _ => Sender.Tell(Stash.Count, Self));
            Receive<string>(s => s == "twice", _ =>
            {
                Stash.Stash();
                Stash.Stash();
            });
            Receive<string>(_ => Stash.Stash());
        }

        private void Open()
        {
            Receive<string>(s => s == "close", _ => Become(Closed));
            Receive<string>(s => _probe.Tell(s, Self));
        }
    }

    [Fact]
    public void Unstashed_messages_come_before_newer_ones_in_their_original_order()
    {
        var probe = CreateTestProbe();
        var doorman = Sys.ActorOf(Props.Create(() => new Doorman(probe)));
        doorman.Tell("a", null);
        doorman.Tell("b", null);
        doorman.Tell("open", null);
        doorman.Tell("c", null);
        Assert.Equal(["a", "b", "c"], probe.ReceiveN(3));
    }

    [Fact]
    public void Stash_survives_become_and_unbecome_cycles()
    {
        var probe = CreateTestProbe();
        var doorman = Sys.ActorOf(Props.Create(() => new Doorman(probe)));
        doorman.Tell("a", null);
        doorman.Tell("open", null);
        doorman.Tell("close", null);
        doorman.Tell("b", null);
        doorman.Tell("c", null);
        Assert.Equal(2, Ask<int>(doorman, "count"));
        doorman.Tell("open", null);
        Assert.Equal(["a", "b", "c"], probe.ReceiveN(3));
    }

    [Fact]
    public void Restart_returns_the_stash_to_the_mailbox_and_the_new_instance_starts_with_an_empty_stash()
    {
        var probe = CreateTestProbe();
        var doorman = Sys.ActorOf(Props.Create(() => new Doorman(probe)));
        doorman.Tell("a", null);
        doorman.Tell("b", null);
        doorman.Tell("fail", null);
        doorman.Tell("c", null);

        // The new instance is closed again and re-stashes a, b (back from the old stash), then c; nothing is lost
        // and the failing message is not redelivered.
        AwaitAssert(() => Assert.Equal(3, Ask<int>(doorman, "count")));
        doorman.Tell("open", null);
        Assert.Equal(["a", "b", "c"], probe.ReceiveN(3));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Stashed_messages_go_to_dead_letters_when_the_actor_stops()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters, typeof(Events.DeadLetter));
        var doorman = Sys.ActorOf(Props.Create(() => new Doorman(CreateTestProbe())));
        doorman.Tell("a", null);
        doorman.Tell("b", null);
        Assert.Equal(2, Ask<int>(doorman, "count"));
        Sys.Stop(doorman);
        var letters = deadLetters.ReceiveN(2).Cast<Events.DeadLetter>().Select(d => d.Message).ToList();
        Assert.Equal(["a", "b"], letters);
    }

    [Fact]
    public void Stashing_the_same_message_twice_fails_the_actor()
    {
        // Under a stopping supervisor: with Restart the stashed copy would come back and fail the new instance again.
        var parent = Sys.ActorOf(Props.Create(() => new TestSupervisor(SupervisorStrategy.StoppingStrategy)));
        var doorman = Ask<IActorRef>(parent, new TestSupervisor.CreateChild(Props.Create(() => new Doorman(CreateTestProbe())), "doorman"));
        Watch(doorman);
        EventFilter.Error<IllegalActorStateException>(contains: "stash the same message twice").ExpectOne(() => doorman.Tell("twice", null));
        ExpectTerminated(doorman);
    }

    private sealed class Switch : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "push":
                    BecomeStacked(m =>
                    {
                        if (m is "pop")
                        {
                            UnbecomeStacked();
                        }
                        else
                        {
                            Sender.Tell("stacked:" + m, Self);
                        }
                    });
                    break;
                case "replace":
                    Become(m => Sender.Tell("replaced:" + m, Self));
                    break;
                default:
                    Sender.Tell("base:" + message, Self);
                    break;
            }
        }
    }

    [Fact]
    public void BecomeStacked_and_UnbecomeStacked_nest_and_Become_replaces()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Switch()));
        Assert.Equal("base:x", Ask<string>(actor, "x"));
        actor.Tell("push", null);
        Assert.Equal("stacked:x", Ask<string>(actor, "x"));
        actor.Tell("pop", null);
        Assert.Equal("base:x", Ask<string>(actor, "x"));
        actor.Tell("replace", null);
        Assert.Equal("replaced:x", Ask<string>(actor, "x"));
    }

    private sealed class Picky : ReceiveActor
    {
        public Picky()
        {
            Receive<int>(i => i > 10, i => Sender.Tell("big " + i, Self));
            Receive<int>(i => Sender.Tell("small " + i, Self));
            Receive<string>(s => s.Length > 3 && Reply("long " + s));
        }

        private bool Reply(string text)
        {
            Sender.Tell(text, Self);
            return true;
        }
    }

    [Fact]
    public void Receive_predicates_pick_the_first_matching_handler_and_unhandled_is_published()
    {
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled, typeof(UnhandledMessage));
        var actor = Sys.ActorOf(Props.Create(() => new Picky()));
        Assert.Equal("big 11", Ask<string>(actor, 11));
        Assert.Equal("small 2", Ask<string>(actor, 2));
        Assert.Equal("long abcd", Ask<string>(actor, "abcd"));
        actor.Tell("ab", TestActor);
        Assert.Equal("ab", unhandled.ExpectMsg<UnhandledMessage>().Message);
    }
}
