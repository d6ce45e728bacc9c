using System.Text;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

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

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    public async Task Max_timestamp_is_the_first_record_carrying_the_largest_timestamp_in_any_segment(CompressionType compression)
    {
        using var dir = new TempDirectory();
        var config = new LogConfig { IndexIntervalBytes = 64, SegmentBytes = 4096 };
        await using (var log = Log.Open(dir.Path, config))
        {
            Assert.Null(log.MaxTimestampAndOffset());
            for (int i = 0; i < 30; i++)
                await log.AppendAsLeaderAsync(Batches.Make(3, timestamp: 10_000 + (10 * i), compression: compression)); // offsets 0..89
            // Offsets 90..94 with timestamps 50_000, 90_000, 20_000, 90_000, 30_000: the largest first appears at 91.
            using (var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = compression }))
            {
                foreach (long timestamp in new long[] { 50_000, 90_000, 20_000, 90_000, 30_000 })
                    builder.Append(timestamp, Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("v"));
                await log.AppendAsLeaderAsync(builder.ToArray());
            }

            for (int i = 0; i < 60; i++)
                await log.AppendAsLeaderAsync(Batches.Make(3, timestamp: 40_000 + (10 * i), compression: compression)); // later, smaller
            Assert.True(log.SegmentCount > 2, "the records span several segments");
            Assert.Equal(new TimestampAndOffset(90_000, 91), log.MaxTimestampAndOffset());
        }

        await using var reopened = Log.Open(dir.Path, config);
        Assert.Equal(new TimestampAndOffset(90_000, 91), reopened.MaxTimestampAndOffset());
    }
}
