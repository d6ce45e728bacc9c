using System.Diagnostics;
using System.Globalization;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Persistence.Tests;

public class CrashTests
{
    /// <summary>
    /// Runs the CrashWriter child (flush.messages=1, prints each acknowledged offset) and SIGKILLs it at a random
    /// moment, 20 times on the same directory; every recovery must keep each acknowledged offset and leave only
    /// CRC-valid batches, and the next writer must continue from there.
    /// </summary>
    [Fact]
    public async Task Killed_writer_never_loses_an_acknowledged_offset()
    {
        var here = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(here).Parent!.Name; // bin/<Configuration>/net10.0
        var writerDll = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "ActorStream.Persistence.CrashWriter", "bin", configuration, "net10.0", "ActorStream.Persistence.CrashWriter.dll"));
        Assert.True(File.Exists(writerDll), $"crash writer not built at {writerDll}");

        using var dir = new TempDirectory();
        var rnd = new Random(12345);
        long maxAcknowledged = -1;
        for (int round = 0; round < 20; round++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(writerDll);
            psi.ArgumentList.Add(dir.Path);
            psi.ArgumentList.Add("2000");
            using var process = Process.Start(psi)!;
            var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            long roundMax = -1;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
                {
                    Interlocked.Exchange(ref roundMax, Math.Max(Interlocked.Read(ref roundMax), offset));
                    firstAck.TrySetResult();
                }
            };
            process.BeginOutputReadLine();
            var stderr = process.StandardError.ReadToEndAsync();
            var exited = process.WaitForExitAsync();
            var started = await Task.WhenAny(firstAck.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
            if (started != firstAck.Task)
            {
                // Only now read stderr to its end: it ends when the writer exits, which a live writer never does.
                process.Kill();
                Assert.Fail($"writer did not acknowledge anything: {await stderr}");
            }

            // The kill moment is random on purpose; this wait is the experiment, not synchronisation.
            await Task.Delay(rnd.Next(5, 150));
            process.Kill();
            await process.WaitForExitAsync();
            process.WaitForExit(); // drains the redirected output so roundMax is final
            maxAcknowledged = Math.Max(maxAcknowledged, Interlocked.Read(ref roundMax));

            await using var log = Log.Open(dir.Path, new LogConfig { SegmentBytes = 4 * 1024 * 1024, IndexIntervalBytes = 4096 });
            Assert.True(log.LogEndOffset > maxAcknowledged, $"round {round}: acknowledged {maxAcknowledged} but log ends at {log.LogEndOffset}");
            long expected = log.LogStartOffset;
            foreach (var file in Directory.GetFiles(dir.Path, "*.log").Order(StringComparer.Ordinal))
            {
                var scan = RecordBatchScanner.Scan(File.ReadAllBytes(file));
                Assert.True(scan.IsComplete, $"round {round}: {file}: {scan.ErrorReason}");
                if (scan.BatchCount == 0)
                    continue;
                Assert.Equal(expected, scan.FirstOffset); // a contiguous prefix: no gaps between segments
                expected = scan.NextOffset;
            }

            Assert.Equal(log.LogEndOffset, expected);
        }
    }
}
