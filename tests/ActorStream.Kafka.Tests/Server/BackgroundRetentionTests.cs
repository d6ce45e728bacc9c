using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Records;
using Xunit.Abstractions;
using static ActorStream.Kafka.Tests.Server.BrokerServerFixture;

namespace ActorStream.Kafka.Tests.Server;

/// <summary>Retention and compaction run on their own, on every partition, on the replica manager's timer.</summary>
public sealed class BackgroundRetentionTests(ITestOutputHelper output)
{
    private static byte[] KeyedBatch(string key, string value, long timestamp)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(timestamp, global::System.Text.Encoding.UTF8.GetBytes(key), global::System.Text.Encoding.UTF8.GetBytes(value));
        return builder.ToArray();
    }

    [Fact]
    public async Task Expired_segments_are_deleted_and_the_log_start_offset_moves_without_any_request()
    {
        await using var server = await StartAsync(output, s => s with { RetentionCheckInterval = TimeSpan.FromMilliseconds(50) });
        await using var client = await server.ConnectAsync();
        // Tiny segments, and records stamped an hour ago against a one-minute retention.
        await CreateTopicAsync(client, "expiring", 1, ("segment.bytes", "200"), ("retention.ms", "60000"));
        long old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        for (int i = 0; i < 10; i++)
            await CallAsync(client, ApiKey.Produce, 8, ProduceBody("expiring", 0, KeyedBatch($"k{i}", new string('x', 100), old)), correlationId: 10 + i);

        Assert.True(server.Broker.Partitions.TryGet(new("expiring", 0), out var partition));
        // Each batch fills a segment, so ten segments were rolled; retention (running meanwhile, on its timer) must
        // leave only the active one, and the log start offset moves to it.
        await WaitUntilAsync(() => partition.Log.SegmentCount == 1);
        Assert.Equal(9, partition.LogStartOffset);
        Assert.Equal([9L], partition.Log.SegmentBaseOffsets);
        Assert.Equal(10, partition.HighWatermark);
    }

    [Fact]
    public async Task A_compacted_topic_keeps_the_latest_value_per_key_in_the_background()
    {
        await using var server = await StartAsync(output, s => s with { RetentionCheckInterval = TimeSpan.FromMilliseconds(50) });
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "latest", 1, ("cleanup.policy", "compact"), ("segment.bytes", "200"), ("min.cleanable.dirty.ratio", "0.01"));
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long produced = 0;
        for (int i = 0; i < 12; i++)
        {
            var batch = KeyedBatch($"key{i % 3}", $"value{i}", now);
            produced += batch.Length;
            await CallAsync(client, ApiKey.Produce, 8, ProduceBody("latest", 0, batch), correlationId: 10 + i);
        }

        // Compaction may run while the records are still being produced: compare with all that was produced.
        Assert.True(server.Broker.Partitions.TryGet(new("latest", 0), out var partition));
        await WaitUntilAsync(() => partition.Log.Size < produced);

        // A fetch reads within one segment, as Kafka's does: read on from the next offset up to the high watermark.
        var values = new List<(long Offset, string Value)>();
        for (long next = 0, call = 50; next < partition.HighWatermark; call++)
        {
            var fetched = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("latest", 0, next)], 0, 0), correlationId: (int)call);
            var batch = RecordsOf(fetched.GetStructs("Responses")![0].GetStructs("Partitions")![0]).Where(r => r.Offset >= next).ToList();
            Assert.NotEmpty(batch);
            values.AddRange(batch);
            next = batch[^1].Offset + 1;
        }

        // Offsets are preserved; for each key only its last value survives (the active segment is never cleaned).
        Assert.True(values.Count < 12, $"{values.Count} records left");
        Assert.Equal(values.Select(v => v.Offset).Order(), values.Select(v => v.Offset));
        Assert.Contains((11L, "value11"), values);
        Assert.DoesNotContain((0L, "value0"), values);
        _ = typeof(ProtocolStruct);
    }
}
