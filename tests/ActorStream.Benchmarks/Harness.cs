using System.Diagnostics;

namespace ActorStream.Benchmarks;

/// <summary>One measured run: how long it took, how much work it did, what it allocated and collected.</summary>
internal readonly record struct RunResult(TimeSpan Elapsed, long Messages, long AllocatedBytes, int Gen0, int Gen1, int Gen2)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public double BytesPerMessage => Messages == 0 ? 0 : (double)AllocatedBytes / Messages;
}

/// <summary>One row of the printed table: the median (and min/max) of a value over the repetitions.</summary>
internal sealed record ResultRow(string Benchmark, string Config, string Unit, double Median, double Min, double Max, double BytesPerMessage, string Gcs);

/// <summary>Measures a phase: allocations (all threads) and GC counts around it, and its wall-clock time.</summary>
internal static class Measure
{
    public static RunResult Run(long messages, Action start, Action waitForCompletion)
    {
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var startTimestamp = Stopwatch.GetTimestamp();
        start();
        waitForCompletion();
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        return new RunResult(elapsed, messages, allocatedAfter - allocated,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
    }

    /// <summary>Collects garbage left by earlier runs so it is not charged to the next one.</summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static ResultRow Throughput(string benchmark, string config, IReadOnlyList<RunResult> runs) =>
        new(benchmark, config, "msgs/s",
            Median(runs.Select(r => r.MessagesPerSecond)),
            runs.Min(r => r.MessagesPerSecond),
            runs.Max(r => r.MessagesPerSecond),
            Median(runs.Select(r => r.BytesPerMessage)),
            Gcs(runs));

    /// <summary>The GC counts of the median run, by gen0/gen1/gen2.</summary>
    public static string Gcs(IReadOnlyList<RunResult> runs) =>
        $"{Median(runs.Select(r => (double)r.Gen0)):0}/{Median(runs.Select(r => (double)r.Gen1)):0}/{Median(runs.Select(r => (double)r.Gen2)):0}";
}

/// <summary>Counts finished parts of a run down to zero and then releases the waiting thread, once.</summary>
internal sealed class Completion(int parts) : IDisposable
{
    private readonly ManualResetEventSlim _done = new(false);
    private readonly int _parts = parts;
    private int _remaining = parts;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.Set();
        }
    }

    /// <summary>How long a run may take before it counts as stalled (a lost message or a lost mailbox wake-up).</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    public void Wait()
    {
        if (!_done.Wait(Timeout))
        {
            throw new TimeoutException($"STALLED: the run did not finish within {Timeout.TotalSeconds:0} s ({Volatile.Read(ref _remaining)} of {_parts} parts unfinished).");
        }
    }

    public void Dispose() => _done.Dispose();
}

/// <summary>The preallocated message every benchmark sends, so the sender allocates nothing per tell.</summary>
internal sealed class Payload
{
    public static readonly Payload Instance = new();

    public override string ToString() => "Payload";
}

/// <summary>Tells an actor to start its run.</summary>
internal sealed class Go
{
    public static readonly Go Instance = new();
}
