using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Persistence.Tests;

public class RetentionTests
{
    [Fact]
    public async Task Retention_by_time_deletes_expired_segments_but_never_the_active_one()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        var config = new LogConfig { SegmentBytes = 1024, RetentionMs = 60_000 };
        await using var log = Log.Open(dir.Path, config, time: clock);
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Make(2, timestamp: clock.NowMs));
        clock.Advance(TimeSpan.FromMinutes(2));
        for (int i = 0; i < 20; i++)
            await log.AppendAsLeaderAsync(Batches.Make(2, timestamp: clock.NowMs));
        int segmentsBefore = log.SegmentCount;

        Assert.True(log.DeleteOldSegments() > 0);
        Assert.True(log.SegmentCount < segmentsBefore);
        Assert.True(log.LogStartOffset > 0);
        Assert.True(log.LogStartOffset <= 40, $"start {log.LogStartOffset}: only the old records may go");
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(0, 100));
        Assert.Equal(log.LogEndOffset - log.LogStartOffset, Batches.ReadAll(log).Count);
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".deleted", StringComparison.Ordinal));

        // Much later everything is expired, yet the active segment stays.
        clock.Advance(TimeSpan.FromDays(1));
        log.DeleteOldSegments();
        Assert.Equal(1, log.SegmentCount);
        Assert.Equal(log.SegmentBaseOffsets[0], log.LogStartOffset);
        await log.AppendAsLeaderAsync(Batches.Make(1, timestamp: clock.NowMs));
    }

    [Fact]
    public async Task Retention_by_size_deletes_oldest_segments_until_under_the_limit()
    {
        using var dir = new TempDirectory();
        var config = new LogConfig { SegmentBytes = 1024, RetentionBytes = 3000 };
        await using var log = Log.Open(dir.Path, config, time: new ManualClock());
        for (int i = 0; i < 60; i++)
            await log.AppendAsLeaderAsync(Batches.Make(2, timestamp: new ManualClock().NowMs));
        var firstBefore = log.SegmentBaseOffsets[0];
        Assert.True(log.DeleteOldSegments() > 0);
        Assert.True(log.Size <= 3000 + 1024, $"size {log.Size}");
        Assert.True(log.SegmentBaseOffsets[0] > firstBefore);
        Assert.Equal(log.SegmentBaseOffsets[0], log.LogStartOffset);
    }

    [Fact]
    public async Task Delete_records_before_advances_the_log_start_offset()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { SegmentBytes = 1024, RetentionMs = -1 });
        for (int i = 0; i < 30; i++)
            await log.AppendAsLeaderAsync(Batches.Make(2));
        log.DeleteRecordsBefore(25);
        Assert.Equal(25, log.LogStartOffset);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(24, 10));
        using var result = log.Read(25, 10);
        Assert.False(result.Records.IsEmpty);
        Assert.True(log.SegmentBaseOffsets[0] <= 25);
    }
}
