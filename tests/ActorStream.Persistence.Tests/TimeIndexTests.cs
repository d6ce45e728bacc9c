using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Persistence.Tests;

public class TimeIndexTests
{
    [Fact]
    public async Task Offset_for_timestamp_finds_the_first_record_at_or_after_it()
    {
        using var dir = new TempDirectory();
        var config = new LogConfig { IndexIntervalBytes = 64, SegmentBytes = 4096 };
        await using (var log = Log.Open(dir.Path, config))
        {
            // Batch i holds timestamps 10_000 + 10*i + {0,1,2}.
            for (int i = 0; i < 100; i++)
                await log.AppendAsLeaderAsync(Batches.Make(3, timestamp: 10_000 + (10 * i)));
            Check(log);
        }

        await using var reopened = Log.Open(dir.Path, config);
        Check(reopened);

        static void Check(Log log)
        {
            Assert.Equal(new TimestampAndOffset(10_000, 0), log.OffsetForTimestamp(0));
            Assert.Equal(new TimestampAndOffset(10_501, 151), log.OffsetForTimestamp(10_501));
            Assert.Equal(new TimestampAndOffset(10_510, 153), log.OffsetForTimestamp(10_503));
            Assert.Equal(new TimestampAndOffset(10_992, 299), log.OffsetForTimestamp(10_992));
            Assert.Null(log.OffsetForTimestamp(10_993));
        }
    }
}
