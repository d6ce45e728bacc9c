using System.Diagnostics;
using ActorStream.Actors;

namespace ActorStream.Benchmarks;

/// <summary>
/// Sequential asks from the main thread to an echo actor (blocking on each reply): the round-trip latency
/// of Ask including the temporary ref, its timeout timer and the task completion.
/// </summary>
internal static class AskLatencyBenchmark
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    public static IEnumerable<ResultRow> Run(Options options, ActorSystem system)
    {
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        var asks = options.Asks;
        RunOnce(echo, Math.Max(1000, asks / 5), new long[Math.Max(1000, asks / 5)]);
        var samples = new long[asks];
        var p50 = new List<double>();
        var p99 = new List<double>();
        var mean = new List<double>();
        var runs = new List<RunResult>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            Measure.Settle();
            runs.Add(RunOnce(echo, asks, samples));
            Array.Sort(samples);
            p50.Add(Micros(samples[(int)(asks * 0.50)]));
            p99.Add(Micros(samples[Math.Min(asks - 1, (int)(asks * 0.99))]));
            mean.Add(samples.Average(Micros));
        }

        system.Stop(echo);
        var bytes = Measure.Median(runs.Select(r => r.BytesPerMessage));
        var gcs = Measure.Gcs(runs);
        var config = $"sequential, {asks:N0} asks";
        yield return new ResultRow("ask p50", config, "us", Measure.Median(p50), p50.Min(), p50.Max(), bytes, gcs);
        yield return new ResultRow("ask p99", config, "us", Measure.Median(p99), p99.Min(), p99.Max(), bytes, gcs);
        yield return new ResultRow("ask mean", config, "us", Measure.Median(mean), mean.Min(), mean.Max(), bytes, gcs);
        yield return Measure.Throughput("ask", config + " (asks/s)", runs) with { Unit = "asks/s" };
    }

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    private static RunResult RunOnce(IActorRef echo, int asks, long[] samples) => Measure.Run(
        asks,
        () =>
        {
            for (var i = 0; i < asks; i++)
            {
                var start = Stopwatch.GetTimestamp();
                _ = echo.Ask<Payload>(Payload.Instance, s_timeout).GetAwaiter().GetResult();
                samples[i] = Stopwatch.GetTimestamp() - start;
            }
        },
        () => { });

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m, Self));
    }
}
