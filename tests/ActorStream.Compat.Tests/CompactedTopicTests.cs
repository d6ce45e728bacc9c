using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// A compacted topic takes only keyed records, as Kafka's does: librdkafka's lz4-compressed keyed records are
/// accepted (the broker looks inside the compressed batch), a keyless record is refused with INVALID_RECORD and
/// never stored, and a consumer reads exactly the keyed ones.
/// </summary>
public sealed class CompactedTopicTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    [Fact]
    public async Task A_keyless_record_is_refused_with_INVALID_RECORD_and_keyed_lz4_records_are_kept()
    {
        var topic = NewTopicName("compacted");
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions = 1, Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" } });

        var keyed = new[] { new ProducedRecord("user-1", "alice"), new ProducedRecord("user-2", "bob") };
        var accepted = await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = keyed, Compression = "lz4" });
        Assert.Equal(2, Ack.ListFrom(accepted).Count);

        var keyless = await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = new[] { new ProducedRecord(null, "nobody") }, Compression = "lz4", AllowErrors = true });
        var report = Assert.Single(keyless["acks"]!.AsArray())!;
        var error = report["error"]?.GetValue<string>();
        Assert.True(error is not null && error.Contains("INVALID_RECORD", StringComparison.Ordinal), $"expected INVALID_RECORD for a keyless record on a compacted topic, got {report.ToJsonString()}");

        var consumed = await Clients.Confluent("consume", Bootstrap, new { Topic = topic, From = "beginning" });
        var records = consumed["records"]!.AsArray().Select(r => (r!["key"]?.GetValue<string>(), r["value"]?.GetValue<string>())).ToList();
        Assert.Equal([("user-1", "alice"), ("user-2", "bob")], records);
    }
}
