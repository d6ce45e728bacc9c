using ActorStream.Actors;

namespace ActorStream.Benchmarks;

/// <summary>
/// The main thread tells one preallocated message to M receivers round-robin, as fast as it can. Each
/// receiver counts its share down and signals once. Measures the tell path plus mailbox scheduling.
/// </summary>
internal static class FanOutBenchmark
{
    public static ResultRow Run(Options options, ActorSystem system, int receivers)
    {
        var perReceiver = Math.Max(1, options.Messages / receivers);
        RunOnce(system, receivers, Math.Max(1, perReceiver / 10));
        var runs = new List<RunResult>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            runs.Add(RunOnce(system, receivers, perReceiver));
        }

        return Measure.Throughput("fan-out", $"main thread -> M={receivers}", runs);
    }

    private static RunResult RunOnce(ActorSystem system, int receivers, long perReceiver)
    {
        using var completion = new Completion(receivers);
        var refs = new IActorRef[receivers];
        for (var r = 0; r < receivers; r++)
        {
            refs[r] = system.ActorOf(Props.Create(() => new CountingReceiver(perReceiver, completion)));
        }

        var total = perReceiver * receivers;
        Measure.Settle();
        var result = Measure.Run(
            total,
            () =>
            {
                var message = Payload.Instance;
                var index = 0;
                for (var i = 0L; i < total; i++)
                {
                    refs[index].Tell(message, null);
                    if (++index == refs.Length)
                    {
                        index = 0;
                    }
                }
            },
            () => completion.Wait());
        foreach (var actor in refs)
        {
            system.Stop(actor);
        }

        return result;
    }

    private sealed class CountingReceiver(long expected, Completion completion) : UntypedActor
    {
        private long _left = expected;

        protected override void OnReceive(object message)
        {
            if (--_left == 0)
            {
                completion.Signal();
            }
        }
    }
}
