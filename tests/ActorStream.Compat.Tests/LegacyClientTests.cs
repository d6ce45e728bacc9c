using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Old clients: kafka-python pinned to an old api_version speaks old Produce versions with old message formats,
/// which the broker must convert to RecordBatch v2; a modern client (librdkafka) then reads them back.
///   0.10  -> Produce v2, message format v1 (magic 1: CreateTime timestamps, no headers)
///   0.9   -> Produce v1, message format v0 (magic 0: no timestamps)
///   0.8.2 -> Produce v0, message format v0
/// gzip wraps the messages in one compressed wrapper message (with relative inner offsets in v1).
/// </summary>
public sealed class LegacyClientTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData("0.10", "none")]
    [InlineData("0.10", "gzip")]
    [InlineData("0.9", "none")]
    [InlineData("0.9", "gzip")]
    [InlineData("0.8.2", "none")]
    public async Task KafkaPython_with_an_old_api_version_produces_records_a_modern_client_reads(string apiVersion, string codec)
    {
        var topic = NewTopicName($"legacy-{apiVersion.Replace('.', '_')}-{codec}");
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions = 2 });
        var hasTimestamps = apiVersion == "0.10";
        var baseTs = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        var records = Expect.Spread(40, 2, i => new ProducedRecord(i % 8 == 3 ? null : $"legacy-key-{i}", $"legacy-value-{i} {apiVersion}/{codec} " + new string('x', i),
            Timestamp: hasTimestamps ? baseTs + i : null));

        var produced = await Clients.KafkaPython("produce", Bootstrap, new { Topic = topic, Records = records, Compression = codec, ApiVersion = apiVersion });
        Assert.Equal(apiVersion, string.Join('.', produced["api_version"]!.AsArray().Select(v => v!.GetValue<int>())));
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));

        var consumed = ConsumedRecord.ListFrom(await Clients.Confluent("consume", Bootstrap, new { Topic = topic }));
        // Magic-0 messages have no timestamp; only format v1 timestamps must survive.
        Expect.SameRecords(records, consumed, checkHeaders: true, checkTimestamps: hasTimestamps);
    }
}
