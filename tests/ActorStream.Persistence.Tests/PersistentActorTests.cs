using ActorStream.Actors;
using ActorStream.Hocon;
using Xunit.Abstractions;

namespace ActorStream.Persistence.Tests;

public sealed class PersistentActorTests : TestKit.TestKit
{
    private readonly MemoryJournal _journal;

    public PersistentActorTests(ITestOutputHelper output)
        : this(output, new MemoryJournal { Reject = p => p is "reject-me", Fail = w => w.Events.Any(e => e.Payload is "fail-me") })
    {
    }

    private PersistentActorTests(ITestOutputHelper output, MemoryJournal journal)
        : base(output)
    {
        _journal = journal;
        Persistence.Configure(Sys, journal);
    }

    private sealed record Cmd(string Kind, string Value = "");

    /// <summary>A ranged event, as a partition replica persists a batch of N records.</summary>
    private sealed record Batch(int SequenceCount) : ISequenceRange;

    private sealed class Recorder(string id, IActorRef probe) : PersistentActor
    {
        private List<string> _events = [];

        public override string PersistenceId => id;

        protected override bool ReceiveRecover(object message)
        {
            switch (message)
            {
                case string e:
                    _events.Add(e);
                    break;
                case Batch b:
                    _events.Add($"batch({b.SequenceCount})");
                    break;
                case SnapshotOffer offer:
                    _events = [.. (string[])offer.Snapshot];
                    probe.Tell($"offered@{offer.Metadata.SequenceNr}", Self);
                    break;
                case RecoveryCompleted:
                    probe.Tell($"recovered[{string.Join(",", _events)}]@{LastSequenceNr}", Self);
                    break;
                default:
                    return false;
            }

            return true;
        }

        protected override bool ReceiveCommand(object message)
        {
            switch (message)
            {
                case Cmd { Kind: "get" }:
                    Sender.Tell($"[{string.Join(",", _events)}]@{LastSequenceNr}", Self);
                    break;
                case Cmd { Kind: "persist" } c:
                    Persist(c.Value, e =>
                    {
                        _events.Add(e);
                        Sender.Tell($"persisted {e}@{LastSequenceNr}", Self);
                    });
                    break;
                case Cmd { Kind: "persist-all" } c:
                    PersistAll(c.Value.Split('+'), e =>
                    {
                        _events.Add(e);
                        Sender.Tell($"persisted {e}", Self);
                    });
                    break;
                case Cmd { Kind: "async" } c:
                    PersistAsync(c.Value, e =>
                    {
                        _events.Add(e);
                        Sender.Tell($"async {e}", Self);
                    });
                    Sender.Tell($"queued {c.Value}", Self);
                    break;
                case Cmd { Kind: "defer" } c:
                    DeferAsync(c.Value, e => Sender.Tell($"deferred {e}", Self));
                    break;
                case Cmd { Kind: "batch" } c:
                    Persist(new Batch(int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture)), b =>
                    {
                        _events.Add($"batch({b.SequenceCount})");
                        Sender.Tell($"batch@{LastSequenceNr}", Self);
                    });
                    break;
                case Cmd { Kind: "snap" }:
                    SaveSnapshot(_events.ToArray());
                    break;
                case SaveSnapshotSuccess s:
                    probe.Tell($"snapshot@{s.Metadata.SequenceNr}", Self);
                    break;
                case Cmd { Kind: "delete" } c:
                    DeleteMessages(long.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case DeleteMessagesSuccess d:
                    probe.Tell($"deleted to {d.ToSequenceNr}", Self);
                    break;
                case Cmd { Kind: "boom" }:
                    throw new InvalidOperationException("boom");
                default:
                    return false;
            }

            return true;
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            probe.Tell($"rejected {@event}@{sequenceNr}", Self);
            base.OnPersistRejected(cause, @event, sequenceNr);
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            probe.Tell($"failed {@event}@{sequenceNr}", Self);
            base.OnPersistFailure(cause, @event, sequenceNr);
        }
    }

    private IActorRef Start(string id, IActorRef? probe = null) => Sys.ActorOf(Props.Create(() => new Recorder(id, probe ?? TestActor)));

    private void StopAndWait(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        FishForMessage<Terminated>(t => t.ActorRef.Equals(actor));
    }

    [Fact]
    public void Events_are_persisted_and_replayed_by_a_new_incarnation()
    {
        var first = Start("r1");
        ExpectMsg("recovered[]@0");
        first.Tell(new Cmd("persist", "a"), TestActor);
        ExpectMsg("persisted a@1");
        first.Tell(new Cmd("persist", "b"), TestActor);
        ExpectMsg("persisted b@2");
        StopAndWait(first);

        Start("r1");
        ExpectMsg("recovered[a,b]@2");
    }

    [Fact]
    public async Task Commands_sent_during_recovery_wait_until_it_completes()
    {
        await _journal.WriteMessagesAsync([new AtomicWrite([new PersistentRepr("r2", 1, "old")])]);
        var actor = Start("r2");
        actor.Tell(new Cmd("get"), TestActor);
        ExpectMsg("recovered[old]@1");
        ExpectMsg("[old]@1");
    }

    [Fact]
    public void Persist_holds_back_later_commands_until_its_handler_has_run()
    {
        var actor = Start("r3");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("persist", "a"), TestActor);
        actor.Tell(new Cmd("get"), TestActor);
        ExpectMsg("persisted a@1");
        ExpectMsg("[a]@1");
    }

    [Fact]
    public void PersistAsync_lets_commands_through_and_handlers_run_in_order_then_DeferAsync()
    {
        var actor = Start("r4");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("async", "x"), TestActor);
        actor.Tell(new Cmd("async", "y"), TestActor);
        actor.Tell(new Cmd("defer", "z"), TestActor);
        var replies = ReceiveN(5).Cast<string>().ToList();

        // The command handler answered before each write completed; the handlers ran in order; the deferred one last.
        Assert.True(replies.IndexOf("queued x") < replies.IndexOf("async x"));
        Assert.True(replies.IndexOf("async x") < replies.IndexOf("async y"));
        Assert.Equal("deferred z", replies[^1]);
    }

    [Fact]
    public void PersistAll_writes_atomically_and_runs_each_handler_with_the_commands_sender()
    {
        var actor = Start("r5");
        ExpectMsg("recovered[]@0");
        var client = CreateTestProbe();
        actor.Tell(new Cmd("persist-all", "a+b+c"), client);
        Assert.Equal(["persisted a", "persisted b", "persisted c"], client.ReceiveN(3));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void A_ranged_event_advances_the_sequence_number_by_its_count()
    {
        var actor = Start("r6");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("batch", "10"), TestActor);
        ExpectMsg("batch@10");
        actor.Tell(new Cmd("persist", "after"), TestActor);
        ExpectMsg("persisted after@11");
        StopAndWait(actor);
        Start("r6");
        ExpectMsg("recovered[batch(10),after]@11");
    }

    [Fact]
    public void Recovery_starts_from_the_latest_snapshot_and_replays_only_later_events()
    {
        var actor = Start("r7");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("persist", "a"), TestActor);
        actor.Tell(new Cmd("persist", "b"), TestActor);
        ReceiveN(2);
        actor.Tell(new Cmd("snap"), TestActor);
        ExpectMsg("snapshot@2");
        actor.Tell(new Cmd("persist", "c"), TestActor);
        ExpectMsg("persisted c@3");
        StopAndWait(actor);

        Start("r7");
        ExpectMsg("offered@2");
        ExpectMsg("recovered[a,b,c]@3");
    }

    [Fact]
    public void Deleted_events_are_not_replayed_and_sequence_numbers_are_not_reused()
    {
        var actor = Start("r8");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("persist-all", "a+b+c"), TestActor);
        ReceiveN(3);
        actor.Tell(new Cmd("delete", "3"), TestActor);
        ExpectMsg("deleted to 3");
        StopAndWait(actor);

        var next = Start("r8");
        ExpectMsg("recovered[]@3");
        next.Tell(new Cmd("persist", "d"), TestActor);
        ExpectMsg("persisted d@4");
    }

    [Fact]
    public void A_rejected_event_is_reported_and_the_actor_goes_on()
    {
        var actor = Start("r9");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("persist", "reject-me"), TestActor);
        ExpectMsg("rejected reject-me@1");
        actor.Tell(new Cmd("persist", "fine"), TestActor);
        ExpectMsg("persisted fine@2");
    }

    [Fact]
    public void A_failed_write_stops_the_actor()
    {
        var actor = Start("r10");
        ExpectMsg("recovered[]@0");
        Watch(actor);
        EventFilter.Error(contains: "Failed to persist").ExpectOne(() => actor.Tell(new Cmd("persist", "fail-me"), TestActor));
        ExpectMsg("failed fail-me@1");
        ExpectTerminated(actor);
    }

    private sealed class FailingRecovery(IActorRef probe) : PersistentActor
    {
        public override string PersistenceId => "broken";

        protected override bool ReceiveRecover(object message) =>
            message is "poison" ? throw new InvalidOperationException("cannot apply poison") : true;

        protected override bool ReceiveCommand(object message)
        {
            probe.Tell(message, Self);
            return true;
        }
    }

    [Fact]
    public async Task A_recovery_handler_that_throws_stops_the_actor()
    {
        await _journal.WriteMessagesAsync([new AtomicWrite([new PersistentRepr("broken", 1, "poison")])]);
        // Recovery starts as soon as the actor is created, so the actor is created inside the filtered block:
        // created before it, the failure could be logged before the filter starts counting.
        IActorRef actor = null!;
        EventFilter.Error(contains: "Recovery of persistenceId [broken] failed").ExpectOne(() =>
        {
            actor = Sys.ActorOf(Props.Create(() => new FailingRecovery(TestActor)));
            Watch(actor);
            actor.Tell("hello", TestActor);
        });
        ExpectTerminated(actor);
    }

    [Fact]
    public void A_restart_by_the_supervisor_recovers_the_state_from_the_journal()
    {
        var actor = Start("r11");
        ExpectMsg("recovered[]@0");
        actor.Tell(new Cmd("persist", "a"), TestActor);
        ExpectMsg("persisted a@1");
        EventFilter.Error<InvalidOperationException>().ExpectOne(() => actor.Tell(new Cmd("boom"), TestActor));
        ExpectMsg("recovered[a]@1");
        actor.Tell(new Cmd("get"), TestActor);
        ExpectMsg("[a]@1");
    }

    /// <summary>A journal whose replays wait on a gate, counting how many run at once.</summary>
    private sealed class GatedJournal(IAsyncJournal inner) : IAsyncJournal
    {
        private int _active;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MaxConcurrent { get; private set; }

        public int Started;

        public Task<IReadOnlyList<Exception?>> WriteMessagesAsync(IReadOnlyList<AtomicWrite> writes) => inner.WriteMessagesAsync(writes);

        public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed)
        {
            var active = Interlocked.Increment(ref _active);
            Interlocked.Increment(ref Started);
            MaxConcurrent = Math.Max(MaxConcurrent, active);
            await Gate.Task;
            Interlocked.Decrement(ref _active);
            await inner.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed);
        }

        public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr) => inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr);

        public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr) => inner.DeleteMessagesToAsync(persistenceId, toSequenceNr);
    }

    [Fact]
    public void Recovery_permits_bound_how_many_actors_recover_at_once()
    {
        var config = ConfigFactory.ParseString("actorstream.persistence.max-concurrent-recoveries = 1");
        using var kit = new TestKit.TestKit(null, config.Render());
        var journal = new GatedJournal(new MemoryJournal());
        Persistence.Configure(kit.Sys, journal);
        var probe = kit.CreateTestProbe();
        kit.Sys.ActorOf(Props.Create(() => new Recorder("p1", probe)));
        kit.Sys.ActorOf(Props.Create(() => new Recorder("p2", probe)));
        kit.AwaitCondition(() => journal.Started == 1);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, journal.Started);

        journal.Gate.SetResult();
        Assert.Equal(["recovered[]@0", "recovered[]@0"], probe.ReceiveN(2));
        Assert.Equal(1, journal.MaxConcurrent);
    }

    [Fact]
    public void An_actor_stopped_while_waiting_for_a_recovery_permit_does_not_keep_it()
    {
        var config = ConfigFactory.ParseString("actorstream.persistence.max-concurrent-recoveries = 1");
        using var kit = new TestKit.TestKit(null, config.Render());
        var journal = new GatedJournal(new MemoryJournal());
        Persistence.Configure(kit.Sys, journal);
        var probe = kit.CreateTestProbe();
        kit.Sys.ActorOf(Props.Create(() => new Recorder("first", probe)));
        kit.AwaitCondition(() => journal.Started == 1);

        // The second waits for the only permit and is stopped before it gets it.
        var waiting = kit.Sys.ActorOf(Props.Create(() => new Recorder("waiting", probe)));
        kit.Watch(waiting);
        kit.Sys.Stop(waiting);
        kit.ExpectTerminated(waiting);

        journal.Gate.SetResult();
        Assert.Equal("recovered[]@0", probe.ExpectMsg<string>());

        // The permit the stopped actor was granted must have come back, or this one would never recover.
        kit.Sys.ActorOf(Props.Create(() => new Recorder("third", probe)));
        Assert.Equal("recovered[]@0", probe.ExpectMsg<string>());
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
