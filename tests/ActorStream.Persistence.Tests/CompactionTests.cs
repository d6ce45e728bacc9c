using System.Buffers.Binary;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Persistence.Tests;

public class CompactionTests
{
    private static LogConfig Compacted => new() { CleanupPolicy = CleanupPolicy.Compact, SegmentBytes = 400, DeleteRetentionMs = 60_000 };

    [Fact]
    public async Task Keeps_the_latest_record_per_key_and_preserves_offsets()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = Log.Open(dir.Path, Compacted, time: clock);
        for (int i = 0; i < 60; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"key{i % 5}", $"value{i}", clock.NowMs));
        await log.AppendAsLeaderAsync(Batches.Single(null, "keyless", clock.NowMs));
        for (int i = 0; i < 10; i++)
            await log.AppendAsLeaderAsync(Batches.Single("filler", $"f{i}", clock.NowMs));
        long end = log.LogEndOffset;
        var before = Batches.ReadAll(log);

        var stats = log.Compact();
        Assert.True(stats.SegmentsCleaned > 0);
        Assert.True(stats.BytesAfter < stats.BytesBefore);
        Assert.Equal(end, log.LogEndOffset);

        var after = Batches.ReadAll(log);
        // Every survivor is byte-for-byte a record of the original log at the same offset.
        foreach (var r in after)
            Assert.Contains(r, before);
        for (int k = 0; k < 5; k++)
        {
            var survivors = after.Where(r => r.Key == $"key{k}").ToList();
            var latest = Assert.Single(survivors);
            Assert.Equal(before.Last(r => r.Key == $"key{k}").Offset, latest.Offset);
        }

        Assert.Contains(after, r => r.Key is null && r.Value == "keyless");
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal));

        await log.DisposeAsync();
        await using var reopened = Log.Open(dir.Path, Compacted, time: clock);
        Assert.Equal(after, Batches.ReadAll(reopened));
    }

    // 100 records in 400-byte segments (five to a segment), every fifth with a key of its own and the others
    // updates of 4 keys, compacted; then 60 more, compacted again when secondPass. The first pass leaves every
    // segment about one record, the second merges those small survivors.
    private static async Task<Log> WriteTwiceCompactedAsync(string path, ManualClock clock, bool secondPass = true)
    {
        var log = Log.Open(path, Compacted, time: clock);
        for (int i = 0; i < 100; i++)
            await log.AppendAsLeaderAsync(Batches.Single(i % 5 == 0 ? $"unique{i}" : $"key{i % 4}", $"first{i}", clock.NowMs));
        Assert.True(log.Compact().Ran);
        for (int i = 0; i < 60; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"other{i % 3}", $"second{i}", clock.NowMs));
        if (secondPass)
            Assert.True(log.Compact().Ran);
        return log;
    }

    [Fact]
    public async Task Neighbouring_segments_that_fit_in_segment_bytes_are_merged()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = await WriteTwiceCompactedAsync(dir.Path, clock, secondPass: false);
        var before = Batches.ReadAll(log);
        int segmentsBefore = log.SegmentCount;

        var stats = log.Compact();
        Assert.True(stats.SegmentsWritten < stats.SegmentsCleaned, $"{stats.SegmentsCleaned} segment(s) cleaned into {stats.SegmentsWritten}");
        Assert.Equal(segmentsBefore - (stats.SegmentsCleaned - stats.SegmentsWritten), log.SegmentCount);
        foreach (var file in Directory.GetFiles(dir.Path, "*.log"))
            Assert.True(new FileInfo(file).Length <= Compacted.SegmentBytes, $"{file} is {new FileInfo(file).Length} bytes");

        // Survivors keep their offsets, each key its newest value, and each is found by offset through the merged index.
        var after = Batches.ReadAll(log);
        foreach (var r in after)
            Assert.Contains(r, before);
        foreach (var key in before.Select(r => r.Key).Distinct())
            Assert.Contains(before.Last(r => r.Key == key), after);
        foreach (var r in after)
        {
            using var read = log.Read(r.Offset, 1);
            Assert.Contains(r, Batches.Records(read.Records.Span));
        }

        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal));
        var bases = log.SegmentBaseOffsets;
        await log.DisposeAsync();
        await using var reopened = Log.Open(dir.Path, Compacted, time: clock);
        Assert.Equal(bases, reopened.SegmentBaseOffsets);
        Assert.Equal(after, Batches.ReadAll(reopened));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_merged_swap_interrupted_by_a_crash_replaces_every_segment_it_covers(bool firstOriginalAlreadyDeleted)
    {
        // The same log twice: one copy compacted to the end, the other left as a crash in the middle of that swap.
        using var dir = new TempDirectory();
        using var crashed = new TempDirectory();
        var clock = new ManualClock();
        await (await WriteTwiceCompactedAsync(dir.Path, clock, secondPass: false)).DisposeAsync();
        foreach (var file in Directory.GetFiles(dir.Path))
            File.Copy(file, Path.Combine(crashed.Path, Path.GetFileName(file)));
        long[] originalBases;
        await using (var original = Log.Open(crashed.Path, Compacted, time: clock))
            originalBases = [.. original.SegmentBaseOffsets];

        await using var compacted = Log.Open(dir.Path, Compacted, time: clock);
        Assert.True(compacted.Compact().SegmentsWritten > 0);
        var expected = Batches.ReadAll(compacted);
        var bases = compacted.SegmentBaseOffsets;
        long merged = bases[0];
        var covered = originalBases.Where(b => b >= merged && b < bases[1]).ToList();
        Assert.True(covered.Count > 1, $"the first merged segment covers {covered.Count} original segment(s)");

        // The crash: the merged segment is complete as .swap; the originals are still live (the first one perhaps
        // already renamed to .deleted).
        foreach (var suffix in new[] { ".log", ".index", ".timeindex" })
        {
            var name = merged.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + suffix;
            if (firstOriginalAlreadyDeleted)
                File.Move(Path.Combine(crashed.Path, name), Path.Combine(crashed.Path, name + ".deleted"));
            File.Copy(Path.Combine(dir.Path, name), Path.Combine(crashed.Path, name + ".swap"));
        }

        var logger = new ListLogger();
        await using var recovered = Log.Open(crashed.Path, Compacted, logger, clock);
        int stillLive = covered.Count - (firstOriginalAlreadyDeleted ? 1 : 0);
        Assert.True(logger.Lines.Any(l => l.Contains($"replacing {stillLive} segment(s)", StringComparison.Ordinal)), string.Join("\n", logger.Lines));
        Assert.Equal(expected.Where(r => r.Offset < bases[1]), Batches.ReadAll(recovered).Where(r => r.Offset < bases[1]));
        Assert.Equal(bases[0], recovered.SegmentBaseOffsets[0]);
        Assert.Equal(bases[1], recovered.SegmentBaseOffsets[1]);
        Assert.DoesNotContain(Directory.GetFiles(crashed.Path), f => f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tombstone_merged_with_newer_records_still_goes_once_its_own_batch_is_older_than_delete_retention()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        long t0 = clock.NowMs;
        await using var log = Log.Open(dir.Path, Compacted, time: clock);
        await log.AppendAsLeaderAsync(Batches.Single("a", "1", clock.NowMs));
        await log.AppendAsLeaderAsync(Batches.Single("a", null, clock.NowMs)); // the tombstone, offset 1
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Single("b", $"{i}", clock.NowMs));
        log.Compact(); // the tombstone is young: kept

        // Newer records, compacted until their survivors share a segment with the tombstone.
        clock.Advance(TimeSpan.FromSeconds(30));
        for (int round = 0; round < 3 && log.SegmentBaseOffsets.Count(b => b <= 1) == 1 && SegmentEnd(log, 0) <= 22; round++)
        {
            for (int i = 0; i < 20; i++)
                await log.AppendAsLeaderAsync(Batches.Single($"c{round}", $"{i}", clock.NowMs));
            log.Compact();
        }

        Assert.True(SegmentEnd(log, 0) > 22, "the tombstone's segment was merged with the newer records");
        Assert.Contains(Batches.ReadAll(log), r => r is { Offset: 1, Key: "a", Value: null });

        // Past delete.retention.ms for the tombstone, not for the records now beside it: it goes anyway.
        clock.Advance(TimeSpan.FromMilliseconds(Compacted.DeleteRetentionMs - 30_000 + 1));
        Assert.True(clock.NowMs - t0 > Compacted.DeleteRetentionMs);
        var stats = log.Compact();
        Assert.True(stats.Ran, "kept tombstones falling due start a pass");
        Assert.Equal(1, stats.TombstonesRemoved);
        Assert.DoesNotContain(Batches.ReadAll(log), r => r.Key == "a");
    }

    [Fact]
    public async Task A_tombstone_stays_delete_retention_ms_of_broker_time_after_its_first_cleaning_whatever_its_timestamp_says()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        long old = clock.NowMs - (long)TimeSpan.FromDays(10).TotalMilliseconds; // a mirror replaying history: the tombstone's own timestamp is long past
        await using var log = Log.Open(dir.Path, Compacted, time: clock);
        await log.AppendAsLeaderAsync(Batches.Single("a", "1", old));
        await log.AppendAsLeaderAsync(Batches.Single("a", null, old)); // offset 1
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Single("b", $"{i}", clock.NowMs));

        long firstPass = clock.NowMs;
        Assert.Equal(0, log.Compact().TombstonesRemoved);
        using (var read = log.Read(1, 1))
        {
            // KIP-534: the pass stamped a delete horizon of broker time into the batch; the record keeps its timestamp.
            var stamped = new RecordBatch(read.Records.Span);
            Assert.True(stamped.HasDeleteHorizon);
            Assert.Equal(firstPass + Compacted.DeleteRetentionMs, stamped.DeleteHorizonMs);
            Assert.True(stamped.IsValid);
            foreach (var record in stamped.GetRecords())
                Assert.Equal((1L, old, true), (record.Offset, record.Timestamp, record.IsValueNull));
        }

        clock.Advance(TimeSpan.FromMilliseconds(Compacted.DeleteRetentionMs - 1));
        Assert.False(log.Compact().Ran, "not due yet: nothing new, and the horizon is 1 ms away");
        Assert.Contains(Batches.ReadAll(log), r => r is { Offset: 1, Key: "a", Value: null });

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = log.Compact();
        Assert.True(due.Ran, "the horizon falling due starts a pass");
        Assert.Equal(1, due.TombstonesRemoved);
        Assert.DoesNotContain(Batches.ReadAll(log), r => r.Key == "a");
    }

    // The base offset of the segment after the one at index i (or the log end): how far segment i reaches.
    private static long SegmentEnd(Log log, int i) => i + 1 < log.SegmentCount ? log.SegmentBaseOffsets[i + 1] : log.LogEndOffset;

    [Fact]
    public async Task Records_below_the_log_start_offset_leave_the_disk_when_their_segment_is_compacted()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = await WriteTwiceCompactedAsync(dir.Path, clock, secondPass: false);
        // A segment holding two or more records, its second record becomes the log start: the segment crosses it.
        var all = Batches.ReadAll(log);
        var bases = log.SegmentBaseOffsets;
        int crossing = Enumerable.Range(0, bases.Count - 1).First(i => all.Count(r => r.Offset >= bases[i] && r.Offset < bases[i + 1]) >= 2);
        long start = all.Where(r => r.Offset >= bases[crossing]).Skip(1).First().Offset;
        log.DeleteRecordsBefore(start);
        Assert.Equal(bases[crossing], log.SegmentBaseOffsets[0]); // the segments wholly below it are gone, this one stays

        Assert.True(log.Compact().SegmentsWritten > 0);
        var onDisk = Directory.GetFiles(dir.Path, "*.log").SelectMany(f => Batches.Records(File.ReadAllBytes(f))).ToList();
        Assert.DoesNotContain(onDisk, r => r.Offset < start);
        Assert.Equal(all.Where(r => r.Offset >= start).Select(r => r.Key).Distinct().Order(), Batches.ReadAll(log).Select(r => r.Key).Distinct().Order());
    }

    [Fact]
    public async Task Tombstones_are_removed_only_after_delete_retention()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = Log.Open(dir.Path, Compacted, time: clock);
        await log.AppendAsLeaderAsync(Batches.Single("a", "1", clock.NowMs));
        await log.AppendAsLeaderAsync(Batches.Single("a", null, clock.NowMs));
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Single("b", $"{i}", clock.NowMs));

        log.Compact();
        var after = Batches.ReadAll(log);
        Assert.DoesNotContain(after, r => r.Key == "a" && r.Value == "1");
        Assert.Contains(after, r => r.Key == "a" && r.Value is null);

        clock.Advance(TimeSpan.FromMinutes(2));
        var stats = log.Compact();
        Assert.Equal(1, stats.TombstonesRemoved);
        Assert.DoesNotContain(Batches.ReadAll(log), r => r.Key == "a");
    }

    [Fact]
    public async Task Kept_tombstones_are_removed_when_due_also_after_a_reopen()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var log = Log.Open(dir.Path, Compacted, time: clock);
        await log.AppendAsLeaderAsync(Batches.Single("a", "1", clock.NowMs));
        await log.AppendAsLeaderAsync(Batches.Single("a", null, clock.NowMs));
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Single("b", $"{i}", clock.NowMs));
        Assert.True(log.Compact().Ran); // the tombstone is kept: younger than delete.retention.ms
        await log.DisposeAsync();

        log = Log.Open(dir.Path, Compacted, time: clock);
        Assert.False(log.Compact().Ran); // nothing dirty, tombstone not due yet
        clock.Advance(TimeSpan.FromMinutes(2));
        var due = log.Compact();
        Assert.True(due.Ran, "the kept tombstone's due time comes back from the cleaner checkpoint");
        Assert.Equal(1, due.TombstonesRemoved);
        await log.DisposeAsync();
    }

    [Fact]
    public async Task Compaction_runs_only_once_the_dirty_part_reaches_min_cleanable_dirty_ratio_and_remembers_it_across_a_reopen()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var config = Compacted with { MinCleanableDirtyRatio = 0.5 };
        var log = Log.Open(dir.Path, config, time: clock);
        for (int i = 0; i < 40; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"key{i}", $"first{i}", clock.NowMs)); // 40 keys: all stay
        var first = log.Compact();
        Assert.True(first.Ran);
        Assert.Equal(1.0, first.DirtyRatio); // nothing compacted before: all dirty
        Assert.Equal(0, first.RecordsRemoved);

        // Nothing new: not due, and nothing is read or rewritten.
        var idle = log.Compact();
        Assert.False(idle.Ran);
        Assert.Equal(0, idle.DirtyRatio);

        // A little more, below half of the compactable log: still not due, also after a reopen (the checkpoint).
        for (int i = 0; i < 10; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"key{i}", $"second{i}", clock.NowMs));
        await log.DisposeAsync();
        log = Log.Open(dir.Path, config, time: clock);
        var small = log.Compact();
        Assert.False(small.Ran, $"dirty ratio {small.DirtyRatio} is below 0.5");
        Assert.InRange(small.DirtyRatio, 0.01, 0.49);

        // Enough to pass the ratio: it runs, and every key keeps only its latest value.
        for (int i = 0; i < 60; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"key{i % 20}", $"third{i}", clock.NowMs));
        var due = log.Compact();
        Assert.True(due.Ran);
        Assert.True(due.DirtyRatio >= 0.5);
        Assert.True(due.RecordsRemoved >= 60, $"removed {due.RecordsRemoved}: the first and second values of key0..key19 and the repeats");
        var all = Batches.ReadAll(log);
        var compactedPart = all.Where(r => r.Offset < log.SegmentBaseOffsets[^1]).ToList();
        Assert.Equal(compactedPart.Select(r => r.Key).Distinct().Count(), compactedPart.Count);
        await log.DisposeAsync();
    }

    [Fact]
    public async Task Records_younger_than_min_compaction_lag_are_not_compacted()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = Log.Open(dir.Path, Compacted with { MinCompactionLagMs = 60_000 }, time: clock);
        for (int i = 0; i < 40; i++)
            await log.AppendAsLeaderAsync(Batches.Single("same", $"v{i}", clock.NowMs));

        Assert.False(log.Compact().Ran); // every segment holds records younger than a minute
        Assert.Equal(40, Batches.ReadAll(log).Count);

        clock.Advance(TimeSpan.FromMinutes(2));
        var stats = log.Compact();
        Assert.True(stats.Ran);
        Assert.True(stats.RecordsRemoved > 0);
    }

    [Fact]
    public async Task Records_older_than_max_compaction_lag_force_compaction_below_the_dirty_ratio()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var config = Compacted with { MinCleanableDirtyRatio = 1.0, MaxCompactionLagMs = 60_000 };
        await using var log = Log.Open(dir.Path, config, time: clock);
        for (int i = 0; i < 40; i++)
            await log.AppendAsLeaderAsync(Batches.Single("same", $"v{i}", clock.NowMs));
        Assert.True(log.Compact().Ran); // all dirty: ratio 1.0
        for (int i = 0; i < 10; i++)
            await log.AppendAsLeaderAsync(Batches.Single("same", $"w{i}", clock.NowMs));

        Assert.False(log.Compact().Ran); // some dirty, below a ratio of 1.0, and young
        clock.Advance(TimeSpan.FromMinutes(2));
        var forced = log.Compact();
        Assert.True(forced.Ran, "the oldest dirty record is older than max.compaction.lag.ms");
        Assert.True(forced.DirtyRatio < 1.0);
        Assert.True(forced.RecordsRemoved > 0);
    }

    [Fact]
    public async Task Max_compaction_lag_is_counted_from_the_oldest_dirty_record_also_after_a_reopen()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var config = Compacted with { MinCleanableDirtyRatio = 1.0, MaxCompactionLagMs = 60_000 };
        var log = Log.Open(dir.Path, config, time: clock);
        for (int i = 0; i < 40; i++)
            await log.AppendAsLeaderAsync(Batches.Single("same", $"v{i}", clock.NowMs));
        Assert.True(log.Compact().Ran);
        for (int i = 0; i < 10; i++)
            await log.AppendAsLeaderAsync(Batches.Single("same", $"w{i}", clock.NowMs));
        await log.DisposeAsync();

        log = Log.Open(dir.Path, config, time: clock); // clean: indexes loaded, not rebuilt
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(log.Compact().Ran, "the dirty segments' first timestamps come back with the indexes");
        await log.DisposeAsync();
    }

    [Fact]
    public async Task A_compacted_log_rolls_its_active_segment_by_max_compaction_lag()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = Log.Open(dir.Path, Compacted with { SegmentBytes = 1 << 20, MaxCompactionLagMs = 60_000 }, time: clock);
        await log.AppendAsLeaderAsync(Batches.Single("a", "1", clock.NowMs));
        clock.Advance(TimeSpan.FromSeconds(30));
        await log.AppendAsLeaderAsync(Batches.Single("a", "2", clock.NowMs));
        Assert.Equal(1, log.SegmentCount);
        clock.Advance(TimeSpan.FromMinutes(1));
        await log.AppendAsLeaderAsync(Batches.Single("a", "3", clock.NowMs));
        Assert.Equal(2, log.SegmentCount); // far below segment.ms (7 days), but the first record is older than a minute
    }

    [Fact]
    public async Task Idempotent_batches_shrink_to_what_they_keep_and_keep_their_producer_fields()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = Log.Open(dir.Path, Compacted, time: clock);
        byte[] Idempotent(int baseSequence, params string[] keys)
        {
            using var builder = new RecordBatchBuilder(new RecordBatchOptions { ProducerId = 5, ProducerEpoch = 0, BaseSequence = baseSequence });
            foreach (var key in keys)
                builder.Append(clock.NowMs, System.Text.Encoding.UTF8.GetBytes(key), "p"u8);
            return builder.ToArray();
        }

        await log.AppendAsLeaderAsync(Idempotent(0, "a", "b", "c")); // offsets 0..2: all superseded below
        await log.AppendAsLeaderAsync(Idempotent(3, "x", "a"));      // 3..4: "a" superseded, "x" stays
        await log.AppendAsLeaderAsync(Idempotent(5, "c", "b"));      // 5..6: superseded (the broker snapshots producer state at rolls)
        foreach (var key in new[] { "a", "b", "c" })
            await log.AppendAsLeaderAsync(Batches.Single(key, "newer", clock.NowMs));
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"filler{i}", "f", clock.NowMs));

        Assert.True(log.Compact().Ran);

        using var read = log.Read(0, 1 << 20);
        var batches = new List<(long Base, int LastDelta, int Count, long ProducerId, int BaseSequence)>();
        var scanner = new RecordBatchScanner(read.Records.Span);
        while (scanner.MoveNext())
        {
            var b = scanner.Current;
            batches.Add((b.BaseOffset, b.LastOffsetDelta, b.RecordCount, b.ProducerId, b.BaseSequence));
        }

        Assert.DoesNotContain(batches, b => b.Base == 0); // wholly superseded
        Assert.Contains((3L, 0, 1, 5L, 3), batches);       // "x" alone, with its producer id and base sequence
        Assert.DoesNotContain(batches, b => b.Base == 5);  // wholly superseded, the producer's newest or not
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Compressed_batches_are_compacted_in_their_own_codec(CompressionType codec)
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var log = Log.Open(dir.Path, Compacted with { SegmentBytes = 2000 }, time: clock);
        var first = await log.AppendAsLeaderAsync(Batches.Make(10, timestamp: clock.NowMs, keyPrefix: "g", compression: codec)); // g0..g9 at 0..9
        await log.AppendAsLeaderAsync(Batches.Make(5, timestamp: clock.NowMs, keyPrefix: "g", valuePrefix: "new", compression: codec)); // g0..g4 again
        for (int i = 0; i < 10; i++)
            await log.AppendAsLeaderAsync(Batches.Make(10, timestamp: clock.NowMs, keyPrefix: "f", valueSize: 20));

        var stats = log.Compact();

        Assert.True(stats.RecordsRemoved >= 5, $"removed {stats.RecordsRemoved}");
        Assert.Equal(0, stats.BatchesKeptUndecodable);
        using var result = log.Read(first.FirstOffset, 1);
        var rewritten = new RecordBatch(result.Records.Span);
        Assert.Equal(codec, rewritten.Compression);
        Assert.True(rewritten.IsValid);
        var survivors = Batches.Records(result.Records.Span[..rewritten.SizeInBytes]);
        Assert.Equal([5L, 6, 7, 8, 9], survivors.Select(r => r.Offset)); // g5..g9 at their offsets; g0..g4 superseded
        Assert.Equal(["g5", "g6", "g7", "g8", "g9"], survivors.Select(r => r.Key));
    }

    [Fact]
    public async Task A_batch_whose_records_do_not_decode_is_kept_intact_with_a_warning()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var logger = new ListLogger();
        await using var log = Log.Open(dir.Path, Compacted with { SegmentBytes = 2000 }, logger, clock);
        await log.AppendAsLeaderAsync(Batches.Make(10, timestamp: clock.NowMs, keyPrefix: "g", compression: CompressionType.Gzip));
        var snappy = FakeSnappy(Batches.Make(10, timestamp: clock.NowMs, keyPrefix: "g"));
        var snappyInfo = await log.AppendAsLeaderAsync(snappy);
        for (int i = 0; i < 10; i++)
            await log.AppendAsLeaderAsync(Batches.Make(10, timestamp: clock.NowMs, keyPrefix: "g", valueSize: 20));

        var stats = log.Compact();
        Assert.True(stats.RecordsRemoved > 0);
        Assert.True(stats.BatchesKeptUndecodable >= 1);
        Assert.Contains(logger.Lines, l => l.Contains("snappy data is corrupt", StringComparison.Ordinal) && l.Contains("kept unchanged", StringComparison.Ordinal));

        using var result = log.Read(snappyInfo.FirstOffset, 1);
        var kept = new RecordBatch(result.Records.Span);
        Assert.Equal(CompressionType.Snappy, kept.Compression);
        Assert.True(kept.IsValid);
        var expected = snappy.ToArray();
        RecordBatch.SetBaseOffset(expected, snappyInfo.FirstOffset);
        Assert.True(result.Records.Span.SequenceEqual(expected));
    }

    /// <summary>Marks an uncompressed batch as snappy (recomputing the CRC): a valid batch whose records do not decode.</summary>
    private static byte[] FakeSnappy(byte[] batch)
    {
        short attributes = BinaryPrimitives.ReadInt16BigEndian(batch.AsSpan(RecordBatchLayout.AttributesOffset));
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchLayout.AttributesOffset), (short)(attributes | (int)CompressionType.Snappy));
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatchLayout.CrcOffset), Crc32C.Compute(batch.AsSpan(RecordBatchLayout.AttributesOffset)));
        return batch;
    }
}
