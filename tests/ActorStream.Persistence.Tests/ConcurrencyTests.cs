using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Persistence.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_appends_get_contiguous_offsets_in_order_per_caller()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { SegmentBytes = 32 * 1024, IndexIntervalBytes = 512 });
        var callers = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            var mine = new List<LogAppendInfo>();
            for (int i = 0; i < 50; i++)
                mine.Add(await log.AppendAsLeaderAsync(Batches.Make(2, keyPrefix: $"c{c}-{i}-")));
            return mine;
        })).ToArray();
        var results = await Task.WhenAll(callers);

        foreach (var mine in results)
        {
            for (int i = 1; i < mine.Count; i++)
                Assert.True(mine[i].FirstOffset > mine[i - 1].LastOffset);
        }

        var offsets = results.SelectMany(r => r).SelectMany(i => new[] { i.FirstOffset, i.LastOffset }).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 1600).Select(i => (long)i), offsets);
        var all = Batches.ReadAll(log);
        Assert.Equal(1600, all.Count);
        // Each caller's records sit at the offsets it was told, so nothing was lost or swapped.
        foreach (var (mine, c) in results.Select((m, c) => (m, c)))
        {
            for (int i = 0; i < mine.Count; i++)
                Assert.Equal($"c{c}-{i}-0", all[(int)mine[i].FirstOffset].Key);
        }
    }

    [Fact]
    public async Task Retention_running_beside_appends_that_roll_segments_never_fails_either()
    {
        // The broker runs retention on its own thread while producers append: both write the checkpoint file.
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { SegmentBytes = 200, RetentionBytes = 1000 });
        using var done = new CancellationTokenSource();
        var retention = Task.Run(() =>
        {
            int passes = 0;
            while (!done.IsCancellationRequested || passes == 0)
            {
                log.DeleteOldSegments();
                passes++;
            }

            return passes;
        });
        for (int i = 0; i < 300; i++)
            await log.AppendAsLeaderAsync(Batches.Make(1, keyPrefix: $"r{i}-"));
        await done.CancelAsync();

        Assert.True(await retention > 0);
        Assert.Equal(300, log.LogEndOffset);
        Assert.True(log.LogStartOffset > 0);
    }

    [Fact]
    public async Task Reads_and_timestamp_lookups_beside_compaction_swaps_never_fail()
    {
        // The broker compacts on its own thread while fetches and ListOffsets read: a segment swapped (and merged)
        // under a reader is looked up again in the new segment set.
        using var dir = new TempDirectory();
        var config = new LogConfig { CleanupPolicy = CleanupPolicy.Compact, SegmentBytes = 300, MinCleanableDirtyRatio = 0 };
        await using var log = Log.Open(dir.Path, config);
        for (int i = 0; i < 40; i++)
            await log.AppendAsLeaderAsync(Batches.Single($"unique{i}", "kept", 1000 + i));
        await log.AppendAsLeaderAsync(Batches.Single("hot0", "first", 2000));
        using var done = new CancellationTokenSource();
        var compaction = Task.Run(async () =>
        {
            int passes = 0;
            for (int i = 0; !done.IsCancellationRequested || passes < 3; i++)
            {
                await log.AppendAsLeaderAsync(Batches.Single($"hot{i % 3}", $"{i}", 2001 + i));
                if (log.Compact().Ran)
                    passes++;
            }

            return passes;
        });

        for (int round = 0; round < 5000; round++)
        {
            if (round % 100 == 0)
                Assert.Equal(40, Batches.ReadAll(log).Count(r => r.Key!.StartsWith("unique", StringComparison.Ordinal)));
            Assert.Equal(1000 + (round % 40), log.OffsetForTimestamp(1000 + (round % 40))?.Timestamp);
            Assert.True(log.OffsetForTimestamp(2000)?.Timestamp >= 2000); // in the segments being merged and swapped
        }

        await done.CancelAsync();
        Assert.True(await compaction >= 3);
    }

    [Fact]
    public async Task Group_commit_coalesces_pending_appends_into_one_write_and_one_fsync()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { FlushMessages = 1 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        log.WriterGate = gate.Task;
        long writesBefore = log.WriteCount;
        long fsyncsBefore = log.FsyncCount;
        var appends = Enumerable.Range(0, 100).Select(_ => log.AppendAsLeaderAsync(Batches.Make(1))).ToArray();
        gate.SetResult();
        await Task.WhenAll(appends);
        log.WriterGate = null;

        Assert.Equal(1, log.WriteCount - writesBefore);
        Assert.Equal(1, log.FsyncCount - fsyncsBefore);
        Assert.Equal(100, log.LogEndOffset);
        Assert.Equal(100, log.FlushedOffset);
    }

    [Fact]
    public async Task Flush_messages_one_fsyncs_before_the_append_completes()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { FlushMessages = 1 });
        for (int i = 0; i < 10; i++)
        {
            var info = await log.AppendAsLeaderAsync(Batches.Make(2));
            Assert.True(log.FlushedOffset > info.LastOffset, $"flushed {log.FlushedOffset} after append ending at {info.LastOffset}");
        }

        Assert.True(log.FsyncCount >= 10);
    }

    [Fact]
    public async Task Without_a_flush_policy_appends_do_not_fsync_until_asked()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path);
        long before = log.FsyncCount;
        await log.AppendAsLeaderAsync(Batches.Make(2));
        Assert.Equal(before, log.FsyncCount);
        Assert.Equal(0, log.FlushedOffset);
        await log.FlushAsync();
        Assert.Equal(2, log.FlushedOffset);
    }

    [Fact]
    public async Task Readers_running_alongside_appends_only_see_whole_batches()
    {
        using var dir = new TempDirectory();
        await using var log = Log.Open(dir.Path, new LogConfig { SegmentBytes = 8 * 1024, IndexIntervalBytes = 128 });
        using var cts = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < 300; i++)
                await log.AppendAsLeaderAsync(Batches.Make(3));
        });
        var reader = Task.Run(() =>
        {
            int reads = 0;
            while (!writer.IsCompleted || reads == 0)
            {
                long end = log.LogEndOffset;
                if (end == 0)
                    continue;
                using var result = log.Read(end - 1, 4096);
                Assert.NotEmpty(Batches.Records(result.Records.Span));
                reads++;
            }
        });
        await Task.WhenAll(writer, reader);
    }
}
