using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Benchmarks;

/// <summary>
/// Segment-log append and read throughput for 1 KiB records, beside the disk's own sequential write speed
/// measured with dd in the same run and on the same directory (so the comparison shares disk and cache state).
/// </summary>
internal static partial class LogBenchmark
{
    private const int RecordBytes = 1024;

    public static async Task RunAll(int repetitions, bool quick)
    {
        var root = Path.Combine(Path.GetTempPath(), "actorstream-logbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var totalBytes = (quick ? 256L : 1024L) * 1024 * 1024;
            var syncBytes = (quick ? 32L : 128L) * 1024 * 1024;
            Console.WriteLine($"segment log: 1 KiB records, {totalBytes >> 20} MiB per fsync-off run, {syncBytes >> 20} MiB per flush.messages=1 run, {repetitions} repetitions (median [min..max])");
            Console.WriteLine($"  directory: {root} ({new DriveInfo(root).DriveFormat})");
            Console.WriteLine($"{"benchmark",-44} {"MB/s",10} {"[min .. max]",22} {"batches/s",12}");
            Console.WriteLine(new string('-', 92));

            PrintDd("dd bs=1M, page cache (no sync)", root, totalBytes, "", repetitions);
            PrintDd("dd bs=1M conv=fdatasync (to the disk)", root, totalBytes, "conv=fdatasync", repetitions);

            foreach (var batchBytes in new[] { 16 * 1024, 1024 * 1024 })
            {
                await Print($"append {batchBytes >> 10} KiB batches, fsync off", repetitions, () => Append(root, batchBytes, totalBytes, flushEach: false));
                await Print($"append {batchBytes >> 10} KiB batches, flush.messages=1", repetitions, () => Append(root, batchBytes, syncBytes, flushEach: true));
                await Print($"read {batchBytes >> 10} KiB batches (Read, 1 MiB at a time)", repetitions, () => WriteThenRead(root, batchBytes, totalBytes));
            }

            Console.WriteLine(new string('-', 92));
            Console.WriteLine();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task Print(string name, int repetitions, Func<Task<(double MBps, double BatchesPerSecond)>> run)
    {
        SyncDisks();
        await run(); // warm-up
        var results = new List<(double MBps, double BatchesPerSecond)>();
        for (var i = 0; i < repetitions; i++)
        {
            // Start every measurement with no dirty pages left by the one before (ours or dd's).
            SyncDisks();
            results.Add(await run());
        }

        var mbps = results.Select(r => r.MBps).Order().ToList();
        var median = mbps[mbps.Count / 2];
        var batches = results.Select(r => r.BatchesPerSecond).Order().ToList()[results.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {median,10:N0} {$"[{mbps[0]:N0} .. {mbps[^1]:N0}]",22} {batches,12:N0}"));
    }

    private static byte[] BuildBatch(int batchBytes)
    {
        var value = new byte[RecordBytes];
        Random.Shared.NextBytes(value);
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < batchBytes / RecordBytes; i++)
        {
            builder.Append(1_700_000_000_000 + i, null, value);
        }

        return builder.ToArray();
    }

    private static async Task<(double, double)> Append(string root, int batchBytes, long totalBytes, bool flushEach)
    {
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var batch = BuildBatch(batchBytes);
        var count = (int)Math.Max(1, totalBytes / batch.Length);
        var config = new LogConfig { SegmentBytes = 256 * 1024 * 1024, MaxMessageBytes = 2 * 1024 * 1024, FlushMessages = flushEach ? 1 : long.MaxValue };
        var log = Log.Open(dir, config);
        try
        {
            // Many appends in flight, as many producers' requests would be: this is what group commit merges.
            const int inFlight = 64;
            var pending = new Queue<Task<LogAppendInfo>>();
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                if (pending.Count == inFlight)
                {
                    await pending.Dequeue();
                }

                pending.Enqueue(log.AppendAsLeaderAsync(batch));
            }

            while (pending.Count > 0)
            {
                await pending.Dequeue();
            }

            var seconds = stopwatch.Elapsed.TotalSeconds;
            return ((double)count * batch.Length / 1e6 / seconds, count / seconds);
        }
        finally
        {
            await log.DeleteAsync();
        }
    }

    private static async Task<(double, double)> WriteThenRead(string root, int batchBytes, long totalBytes)
    {
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
        var batch = BuildBatch(batchBytes);
        var count = (int)Math.Max(1, totalBytes / batch.Length);
        var log = Log.Open(dir, new LogConfig { SegmentBytes = 256 * 1024 * 1024, MaxMessageBytes = 2 * 1024 * 1024 });
        try
        {
            var writes = new List<Task<LogAppendInfo>>();
            for (var i = 0; i < count; i++)
            {
                writes.Add(log.AppendAsLeaderAsync(batch));
            }

            await Task.WhenAll(writes);
            var stopwatch = Stopwatch.StartNew();
            long offset = 0;
            long bytes = 0;
            long batches = 0;
            while (offset < log.LogEndOffset)
            {
                using var read = await log.ReadAsync(offset, 1024 * 1024);
                var scanner = new RecordBatchScanner(read.Records.Span);
                while (scanner.MoveNext())
                {
                    offset = scanner.Current.NextOffset;
                    bytes += scanner.Current.SizeInBytes;
                    batches++;
                }
            }

            var seconds = stopwatch.Elapsed.TotalSeconds;
            return (bytes / 1e6 / seconds, batches / seconds);
        }
        finally
        {
            await log.DeleteAsync();
        }
    }

    private static void PrintDd(string name, string root, long totalBytes, string extra, int repetitions)
    {
        var results = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            SyncDisks();
            var file = Path.Combine(root, "dd.bin");
            var psi = new ProcessStartInfo("dd", $"if=/dev/zero of={file} bs=1M count={totalBytes >> 20} {extra}") { RedirectStandardError = true, RedirectStandardOutput = true };
            using var dd = Process.Start(psi)!;
            var output = dd.StandardError.ReadToEnd();
            dd.WaitForExit();
            File.Delete(file);
            var match = DdRate().Match(output);
            if (!match.Success)
            {
                Console.WriteLine($"{name,-44} dd output not understood: {output.Trim()}");
                return;
            }

            var bytes = double.Parse(match.Groups["bytes"].Value, CultureInfo.InvariantCulture);
            var seconds = double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);
            results.Add(bytes / 1e6 / seconds);
        }

        results.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {results[results.Count / 2],10:N0} {$"[{results[0]:N0} .. {results[^1]:N0}]",22} {"",12}"));
    }

    private static void SyncDisks()
    {
        using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })!;
        sync.WaitForExit();
    }

    // "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.2345 s, 870 MB/s"
    [GeneratedRegex(@"^(?<bytes>\d+) bytes.*copied, (?<seconds>[0-9.]+) s", RegexOptions.Multiline)]
    private static partial Regex DdRate();
}
