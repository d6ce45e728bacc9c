using ActorStream.Actors.Scheduling;
using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

/// <summary>The same scenario in virtual time with the same seed must produce the same trace, message for message.</summary>
public sealed class DeterminismTests(ITestOutputHelper output)
{
    private sealed record Gossip(int Round, int From);

    /// <summary>Peers that gossip to randomly chosen peers, with timers and jittered delays: many interleavings.</summary>
    private sealed class Peer : ReceiveActor
    {
        private readonly int _id;
        private IActorRef[] _peers = [];
        private int _seen;

        public Peer(int id)
        {
            _id = id;
            Receive<IActorRef[]>(peers =>
            {
                _peers = peers;
                Timers.StartPeriodicTimer("tick", "tick", TimeSpan.FromMilliseconds(100 + (id * 7)));
            });
            Receive<string>(s => s == "tick", _ =>
            {
                var target = _peers[Context.System.Random.Next(_peers.Length)];
                target.Tell(new Gossip(_seen, _id), Self);
            });
            Receive<Gossip>(g =>
            {
                _seen++;
                if (g.Round < 50 && Context.System.Random.Next(3) == 0)
                {
                    var delay = TimeSpan.FromMilliseconds(Context.System.Random.Next(30));
                    Context.System.Scheduler.ScheduleTellOnce(delay, _peers[Context.System.Random.Next(_peers.Length)], new Gossip(g.Round + 1, _id), Self);
                }
            });
        }
    }

    private static IReadOnlyList<string> RunScenario(int seed, ITestOutputHelper output)
    {
        var runtime = new DeterministicRuntime(seed) { RecordTrace = true };
        using var kit = new TestKit.TestKit(runtime, output, systemName: "sim");
        var peers = Enumerable.Range(0, 6).Select(i => kit.Sys.ActorOf(Props.Create(() => new Peer(i)), $"peer-{i}")).ToArray();
        foreach (var peer in peers)
        {
            peer.Tell(peers, null);
        }

        runtime.Advance(TimeSpan.FromSeconds(5));
        return runtime.Trace;
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace()
    {
        var first = RunScenario(1234, output);
        var second = RunScenario(1234, output);
        Assert.True(first.Count > 300, $"the scenario should be busy, got {first.Count} deliveries");
        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seeds_explore_different_interleavings()
    {
        var first = RunScenario(1, output);
        var second = RunScenario(2, output);
        Assert.NotEqual(first, second);
    }
}
