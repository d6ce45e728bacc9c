using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

public sealed class OrderingAndConcurrencyTests : TestKit.TestKit
{
    private readonly ITestOutputHelper _output;

    public OrderingAndConcurrencyTests(ITestOutputHelper output)
        : base(output) => _output = output;

    private sealed record Numbered(int Sender, int Sequence);

    private sealed record Report(int Received, int OutOfOrder, int MaxConcurrent);

    private sealed class GetReport
    {
        public static readonly GetReport Instance = new();
    }

    /// <summary>Checks per-sender order and detects any concurrent entry into Receive.</summary>
    private sealed class OrderChecker : ReceiveActor
    {
        private readonly Dictionary<int, int> _last = [];
        private int _inside;
        private int _maxConcurrent;
        private int _received;
        private int _outOfOrder;

        public OrderChecker()
        {
            Receive<Numbered>(m =>
            {
                var inside = Interlocked.Increment(ref _inside);
                _maxConcurrent = Math.Max(_maxConcurrent, inside);

                // Widen the window in which a second thread could enter if the runtime allowed it.
                Thread.SpinWait(20);
                _received++;
                if (_last.TryGetValue(m.Sender, out var previous) && m.Sequence != previous + 1)
                {
                    _outOfOrder++;
                }

                _last[m.Sender] = m.Sequence;
                Interlocked.Decrement(ref _inside);
            });
            Receive<GetReport>(_ => Sender.Tell(new Report(_received, _outOfOrder, _maxConcurrent), Self));
        }
    }

    [Fact]
    public void Messages_from_each_sender_arrive_in_order_and_one_at_a_time_under_concurrent_senders()
    {
        const int senders = 8;
        const int perSender = 20_000;
        var checker = Sys.ActorOf(Props.Create(() => new OrderChecker()));
        var threads = Enumerable.Range(0, senders).Select(s => new Thread(() =>
        {
            for (var i = 0; i < perSender; i++)
            {
                checker.Tell(new Numbered(s, i), null);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        AwaitAssert(() =>
        {
            var report = Ask<Report>(checker, GetReport.Instance);
            Assert.Equal(senders * perSender, report.Received);
        }, TimeSpan.FromSeconds(30));
        var final = Ask<Report>(checker, GetReport.Instance);
        Assert.Equal(0, final.OutOfOrder);
        Assert.Equal(1, final.MaxConcurrent);
    }

    /// <summary>Actors that pass a counter around a ring: each must still see one message at a time.</summary>
    private sealed class Relay(IActorRef[] ring, IActorRef sink, int hops, int[] violations) : UntypedActor
    {
        private int _inside;

        protected override void OnReceive(object message)
        {
            if (Interlocked.Increment(ref _inside) != 1)
            {
                Interlocked.Increment(ref violations[0]);
            }

            var n = (int)message;
            if (n < hops)
            {
                ring[(n * 7 + ring.Length / 2) % ring.Length].Tell(n + 1, Self);
            }
            else
            {
                sink.Tell(n, Self);
            }

            Interlocked.Decrement(ref _inside);
        }
    }

    [Fact]
    public void No_actor_processes_two_messages_concurrently_under_load_from_many_actors()
    {
        const int chains = 2000;
        var violations = new int[1];
        var sink = CreateTestProbe();
        var ring = new IActorRef[16];
        for (var i = 0; i < ring.Length; i++)
        {
            ring[i] = Sys.ActorOf(Props.Create(() => new Relay(ring, sink, 200, violations)));
        }

        Parallel.For(0, chains, i => ring[i % ring.Length].Tell(0, null));

        // Every chain ends at the sink after 200 hops: all 400,000 deliveries have happened once it has them all.
        sink.ReceiveN(chains, TimeSpan.FromSeconds(60));
        Assert.Equal(0, violations[0]);
    }

    private sealed class Gate : ReceiveActor
    {
        public Gate(IActorRef probe) => ReceiveAny(m => probe.Tell(m, Self));
    }

    [Fact]
    public void System_messages_are_processed_before_queued_user_messages()
    {
        using var kit = new TestKit.TestKit(new DeterministicRuntime(seed: 7), _output);
        var probe = kit.CreateTestProbe();
        var actor = kit.Sys.ActorOf(Props.Create(() => new Gate(probe)));
        kit.Runtime!.RunUntilIdle();
        for (var i = 0; i < 100; i++)
        {
            actor.Tell(i, null);
        }

        // Stop is a system message sent after the 100 user messages, yet it is handled first.
        kit.Sys.Stop(actor);
        probe.Watch(actor);
        probe.ExpectTerminated(actor);
        Assert.False(probe.HasMessages);
    }

    [Fact]
    public void Messages_left_in_the_mailbox_of_a_stopped_actor_go_to_dead_letters()
    {
        using var kit = new TestKit.TestKit(new DeterministicRuntime(seed: 3), _output);
        var deadLetters = kit.CreateTestProbe();
        kit.Sys.EventStream.Subscribe(deadLetters, typeof(Events.DeadLetter));
        var actor = kit.Sys.ActorOf(Props.Create(() => new Gate(kit.CreateTestProbe())));
        kit.Runtime!.RunUntilIdle();
        actor.Tell("one", null);
        actor.Tell("two", null);
        kit.Sys.Stop(actor);
        var letters = deadLetters.ReceiveN(2).Cast<Events.DeadLetter>().Select(d => d.Message).ToList();
        Assert.Equal(["one", "two"], letters);

        // After the stop, a tell goes straight to dead letters too.
        actor.Tell("three", null);
        Assert.Equal("three", deadLetters.ExpectMsg<Events.DeadLetter>().Message);
    }
}
