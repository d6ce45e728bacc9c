using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Persistence.Tests;

public class FlushPolicyTests
{
    [Fact]
    public async Task Flush_ms_fsyncs_the_first_append_after_the_interval_has_passed()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();

        // A long interval, so the writer's own background timer (real time) cannot fire during the test.
        await using var log = Log.Open(dir.Path, new LogConfig { FlushMs = 60_000 }, time: clock);
        await log.AppendAsLeaderAsync(Batches.Make(3));
        Assert.Equal(0, log.FsyncCount);
        Assert.Equal(0, log.FlushedOffset);

        // Once the interval has passed, the writer fsyncs on its next turn: either before it writes the next
        // append or right after; either way what was appended before the interval ended is durable.
        clock.Advance(TimeSpan.FromSeconds(61));
        await log.AppendAsLeaderAsync(Batches.Make(2));
        Assert.Equal(1, log.FsyncCount);
        Assert.InRange(log.FlushedOffset, 3, 5);

        // Within the next interval, appends are not fsynced again.
        var flushed = log.FlushedOffset;
        await log.AppendAsLeaderAsync(Batches.Make(1));
        Assert.Equal(1, log.FsyncCount);
        Assert.Equal(flushed, log.FlushedOffset);
    }

    [Fact]
    public async Task Flush_messages_counts_records_across_appends()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { FlushMessages = 5 });
        await log.AppendAsLeaderAsync(Batches.Make(3));
        Assert.Equal(0, log.FsyncCount);
        await log.AppendAsLeaderAsync(Batches.Make(3));
        Assert.Equal(1, log.FsyncCount);
        Assert.Equal(6, log.FlushedOffset);
    }
}
