using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Persistence.Tests;

public class AppendReadTests
{
    [Fact]
    public async Task Round_trip_across_many_segment_rolls()
    {
        using var dir = new TempDirectory();
        var config = new LogConfig { SegmentBytes = 2048, IndexIntervalBytes = 256 };
        await using (var log = Log.Open(dir.Path, config))
        {
            for (int i = 0; i < 100; i++)
            {
                var info = await log.AppendAsLeaderAsync(Batches.Make(3, keyPrefix: $"b{i}-"));
                Assert.Equal(i * 3L, info.FirstOffset);
                Assert.Equal(i * 3L + 2, info.LastOffset);
            }

            Assert.Equal(300, log.LogEndOffset);
            Assert.True(log.SegmentCount > 5, $"expected rolls, got {log.SegmentCount} segments");
            var all = Batches.ReadAll(log, maxBytes: 500);
            Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), all.Select(r => r.Offset));
            Assert.Equal("b42-1", all[127].Key);
        }

        await using (var reopened = Log.Open(dir.Path, config))
        {
            Assert.Equal(300, reopened.LogEndOffset);
            Assert.Equal(300, Batches.ReadAll(reopened).Count);
            Assert.Contains(Directory.GetFiles(dir.Path), f => f.EndsWith("00000000000000000000.log", StringComparison.Ordinal));
            Assert.Contains(Directory.GetFiles(dir.Path), f => f.EndsWith("00000000000000000000.index", StringComparison.Ordinal));
            Assert.Contains(Directory.GetFiles(dir.Path), f => f.EndsWith("00000000000000000000.timeindex", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Read_from_the_middle_of_a_batch_returns_the_whole_batch()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path);
        await log.AppendAsLeaderAsync(Batches.Make(5));
        await log.AppendAsLeaderAsync(Batches.Make(5));
        using var result = log.Read(7, 1);
        var batch = new RecordBatch(result.Records.Span);
        Assert.Equal(5, batch.BaseOffset);
        Assert.Equal(9, batch.LastOffset);
        Assert.Equal(batch.SizeInBytes, result.Records.Length);
    }

    [Fact]
    public async Task Offsets_outside_the_log_raise_a_clear_error()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path);
        await log.AppendAsLeaderAsync(Batches.Make(3));
        var e = Assert.Throws<OffsetOutOfRangeException>(() => log.Read(4, 100));
        Assert.Equal(0, e.LogStartOffset);
        Assert.Equal(3, e.LogEndOffset);
        Assert.Contains("[0, 3)", e.Message, StringComparison.Ordinal);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(-1, 100));
        using var atEnd = log.Read(3, 100);
        Assert.True(atEnd.Records.IsEmpty);
    }

    [Fact]
    public async Task Sparse_index_lookups_match_a_linear_scan()
    {
        using var dir = new TempDirectory();
        var config = new LogConfig { IndexIntervalBytes = 100, SegmentBytes = 16 * 1024 };
        await using var log = Log.Open(dir.Path, config);
        var rnd = new Random(7);
        for (int i = 0; i < 200; i++)
            await log.AppendAsLeaderAsync(Batches.Make(1 + rnd.Next(4)));

        for (long offset = 0; offset < log.LogEndOffset; offset++)
        {
            using var result = log.Read(offset, 1);
            var batch = new RecordBatch(result.Records.Span);
            Assert.InRange(offset, batch.BaseOffset, batch.LastOffset);
        }
    }

    [Fact]
    public async Task Read_async_and_file_regions_agree_with_read()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { IndexIntervalBytes = 64 });
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Make(2));
        using var sync = log.Read(13, 300);
        using var async = await log.ReadAsync(13, 300);
        Assert.True(sync.Records.Span.SequenceEqual(async.Records.Span));

        var region = Assert.Single(log.ReadFileRegions(13, 300));
        var bytes = new byte[region.Length];
        RandomAccess.Read(region.Handle, bytes, region.Position);
        Assert.True(bytes.AsSpan(0, sync.Records.Length).SequenceEqual(sync.Records.Span));
        Assert.EndsWith(".log", region.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_batch_is_rejected_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path);
        var batch = Batches.Make(3);
        batch[^1] ^= 0xFF;
        await Assert.ThrowsAsync<CorruptRecordException>(() => log.AppendAsLeaderAsync(batch));
        var torn = Batches.Make(3)[..40];
        await Assert.ThrowsAsync<CorruptRecordException>(() => log.AppendAsLeaderAsync(torn));
        Assert.Equal(0, log.LogEndOffset);
        Assert.Equal(0, log.Size);
    }

    [Fact]
    public async Task Too_large_batch_is_rejected()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { MaxMessageBytes = 100 });
        await Assert.ThrowsAsync<RecordBatchTooLargeException>(() => log.AppendAsLeaderAsync(Batches.Make(10)));
    }

    [Fact]
    public async Task Follower_append_keeps_offsets_and_rejects_going_backwards()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path);
        var info = await log.AppendAsFollowerAsync(Batches.Make(3, baseOffset: 10));
        Assert.Equal(10, info.FirstOffset);
        Assert.Equal(13, log.LogEndOffset);
        await Assert.ThrowsAsync<InvalidOffsetException>(() => log.AppendAsFollowerAsync(Batches.Make(3, baseOffset: 11)));
        await log.AppendAsFollowerAsync(Batches.Make(1, baseOffset: 13));
        Assert.Equal(14, log.LogEndOffset);
    }

    [Fact]
    public async Task Leader_append_of_several_batches_assigns_consecutive_offsets()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path);
        var two = Batches.Make(2).Concat(Batches.Make(3)).ToArray();
        var info = await log.AppendAsLeaderAsync(two, partitionLeaderEpoch: 4);
        Assert.Equal(0, info.FirstOffset);
        Assert.Equal(4, info.LastOffset);
        using var result = log.Read(0, 10_000);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (long)i), Batches.Records(result.Records.Span).Select(r => r.Offset));
        Assert.Equal(4, new RecordBatch(result.Records.Span).PartitionLeaderEpoch);
    }
}
