using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Persistence.Tests;

public class RecoveryTests
{
    private static readonly LogConfig SmallSegments = new() { SegmentBytes = 1024, IndexIntervalBytes = 100 };

    private static async Task<(List<long> BatchEnds, long Size)> WriteBatches(string path, int count, LogConfig config)
    {
        var ends = new List<long>();
        await using var log = Log.Open(path, config);
        for (int i = 0; i < count; i++)
        {
            await log.AppendAsLeaderAsync(Batches.Make(2, keyPrefix: $"r{i}-"));
            ends.Add(log.LogEndOffset);
        }

        return (ends, log.Size);
    }

    [Fact]
    public async Task Torn_tail_at_every_byte_of_the_last_batch_recovers_the_valid_prefix()
    {
        using var dir = new TempDirectory();
        var config = new LogConfig();
        await WriteBatches(dir.Path, 3, config);
        var logFile = Path.Combine(dir.Path, "00000000000000000000.log");
        var original = File.ReadAllBytes(logFile);
        int lastBatchSize = RecordBatch.PeekSize(Batches.Make(2, keyPrefix: "r2-"));
        int prefix = original.Length - lastBatchSize;

        for (int cut = prefix; cut < original.Length; cut++)
        {
            using var copy = new TempDirectory();
            File.WriteAllBytes(Path.Combine(copy.Path, "00000000000000000000.log"), original.AsSpan(0, cut).ToArray());
            var logger = new ListLogger();
            await using var log = Log.Open(copy.Path, config, logger);
            Assert.Equal(4, log.LogEndOffset);
            Assert.Equal(prefix, log.Size);
            if (cut > prefix)
                Assert.Contains(logger.Lines, l => l.Contains("truncated", StringComparison.Ordinal) && l.Contains("00000000000000000000.log", StringComparison.Ordinal));
            var info = await log.AppendAsLeaderAsync(Batches.Make(1));
            Assert.Equal(4, info.FirstOffset);
            Assert.Equal(5, Batches.ReadAll(log).Count);
        }
    }

    [Fact]
    public async Task Flipped_byte_in_the_active_segment_truncates_at_that_batch()
    {
        using var dir = new TempDirectory();
        await WriteBatches(dir.Path, 5, LogConfig.Default);
        var logFile = Path.Combine(dir.Path, "00000000000000000000.log");
        var bytes = File.ReadAllBytes(logFile);
        int size = RecordBatch.PeekSize(bytes);
        bytes[(2 * size) + 70] ^= 0x5A; // inside the third batch's records
        File.WriteAllBytes(logFile, bytes);

        var logger = new ListLogger();
        await using var log = Log.Open(dir.Path, LogConfig.Default, logger);
        Assert.Equal(4, log.LogEndOffset);
        Assert.Equal(2 * size, new FileInfo(logFile).Length);
        Assert.Contains(logger.Lines, l => l.Contains("CrcMismatch", StringComparison.Ordinal) && l.Contains("offsets from 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flipped_byte_in_an_old_segment_gives_a_corruption_error_naming_file_and_offset()
    {
        using var dir = new TempDirectory();
        await WriteBatches(dir.Path, 40, SmallSegments);
        var first = Path.Combine(dir.Path, "00000000000000000000.log");
        var bytes = File.ReadAllBytes(first);
        int size = RecordBatch.PeekSize(bytes);
        bytes[(2 * size) + 70] ^= 0x5A;
        File.WriteAllBytes(first, bytes);

        await using var log = Log.Open(dir.Path, SmallSegments);
        Assert.Equal(80, log.LogEndOffset); // old, flushed segments are not rescanned on open
        var e = Assert.Throws<LogCorruptException>(() => log.Read(4, 100));
        Assert.Equal(first, e.FilePath);
        Assert.InRange(e.FilePosition, 2 * size, (3 * size) - 1);
        Assert.Equal(4, e.Offset);
        Assert.Contains("00000000000000000000.log", e.Message, StringComparison.Ordinal);
        using var before = log.Read(0, 100_000);
        Assert.Equal(2 * size, before.Records.Length); // the good prefix, never the bad batch
    }

    [Fact]
    public async Task Missing_or_corrupt_indexes_are_rebuilt()
    {
        using var dir = new TempDirectory();
        await WriteBatches(dir.Path, 40, SmallSegments);
        File.Delete(Path.Combine(dir.Path, "00000000000000000000.index"));
        File.WriteAllBytes(Path.Combine(dir.Path, "00000000000000000000.timeindex"), [1, 2, 3]);
        var second = Directory.GetFiles(dir.Path, "*.index").Order(StringComparer.Ordinal).ElementAt(0);
        File.WriteAllBytes(second, [0, 0, 0, 9, 0x7F, 0, 0, 0]); // position far past the segment

        var logger = new ListLogger();
        await using var log = Log.Open(dir.Path, SmallSegments, logger);
        Assert.Contains(logger.Lines, l => l.Contains("rebuilt indexes", StringComparison.Ordinal));
        Assert.True(new FileInfo(Path.Combine(dir.Path, "00000000000000000000.index")).Length > 0);
        for (long offset = 0; offset < 80; offset++)
        {
            using var result = log.Read(offset, 1);
            Assert.InRange(offset, new RecordBatch(result.Records.Span).BaseOffset, new RecordBatch(result.Records.Span).LastOffset);
        }

        Assert.NotNull(log.OffsetForTimestamp(1000));
    }

    [Fact]
    public async Task A_deleted_log_leaves_nothing_under_its_name_and_an_interrupted_removal_only_a_deleting_directory()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "topic-0");
        await using (var log = Log.Open(path))
        {
            await log.AppendAsLeaderAsync(Batches.Make(3));
            await log.DeleteAsync();
        }

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        // A removal cut short (the rename happened, the delete did not finish) leaves only this, which goes at the next start.
        var leftover = Path.Combine(dir.Path, "topic-0.0f1e2d3c.deleting");
        Directory.CreateDirectory(leftover);
        await File.WriteAllTextAsync(Path.Combine(leftover, "00000000000000000000.log"), "old");
        Directory.CreateDirectory(Path.Combine(dir.Path, "topic-1"));
        Assert.Equal(["topic-0.0f1e2d3c.deleting"], DirectoryRemoval.DeleteLeftovers(dir.Path));
        Assert.Equal(["topic-1"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        DirectoryRemoval.Delete(Path.Combine(dir.Path, "missing")); // nothing to do
    }

    [Fact]
    public void A_directory_can_be_fsynced_and_a_missing_one_is_an_IOException()
    {
        using var dir = new TempDirectory();
        DirectorySync.Flush(dir.Path);
        var missing = Path.Combine(dir.Path, "missing");
        var error = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leftovers_of_interrupted_deletes_and_compactions_are_cleaned()
    {
        using var dir = new TempDirectory();
        await WriteBatches(dir.Path, 3, LogConfig.Default);
        File.WriteAllBytes(Path.Combine(dir.Path, "00000000000000000100.log.deleted"), [1]);
        File.WriteAllBytes(Path.Combine(dir.Path, "00000000000000000200.log.cleaned"), [1]);
        File.WriteAllBytes(Path.Combine(dir.Path, "00000000000000000300.index"), [1]);
        await using var log = Log.Open(dir.Path);
        Assert.Equal(6, log.LogEndOffset);
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".deleted", StringComparison.Ordinal) || f.EndsWith(".cleaned", StringComparison.Ordinal) || f.Contains("300", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unclean_shutdown_keeps_every_written_batch()
    {
        using var dir = new TempDirectory();
        // Copy the files while the log is open: what a crash after the writes leaves.
        using var snapshot = new TempDirectory();
        await using (var log = Log.Open(dir.Path, SmallSegments))
        {
            for (int i = 0; i < 30; i++)
                await log.AppendAsLeaderAsync(Batches.Make(2));
            foreach (var f in Directory.GetFiles(dir.Path))
                File.Copy(f, Path.Combine(snapshot.Path, Path.GetFileName(f)));
        }

        await using var recovered = Log.Open(snapshot.Path, SmallSegments);
        Assert.Equal(60, recovered.LogEndOffset);
        Assert.Equal(60, Batches.ReadAll(recovered).Count);
    }
}
