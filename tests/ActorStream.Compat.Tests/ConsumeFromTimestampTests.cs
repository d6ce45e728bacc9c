using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// ListOffsets by timestamp (offsets_for_times, kcat -o s@ts) over records with explicit CreateTime timestamps:
/// partition 0 holds 30 records at base + i*1000 ms, partition 1 holds 30 at base + i*2000 ms. For base + 10 s
/// the first record at or after it is offset 10 in partition 0 and offset 5 in partition 1; before everything
/// it is offset 0; after everything Kafka answers -1 (no such record).
/// </summary>
public sealed class ConsumeFromTimestampTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private const int PerPartition = 30;

    private async Task<(string Topic, long Base, List<ProducedRecord> Records)> TimestampedTopic()
    {
        var topic = NewTopicName("timestamps");
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions = 2 });
        var baseTs = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 1000 * 1000;
        var records = Enumerable.Range(0, PerPartition)
            .SelectMany(i => new[]
            {
                new ProducedRecord($"p0-{i}", $"p0-value-{i}", 0, Timestamp: baseTs + (i * 1000L)),
                new ProducedRecord($"p1-{i}", $"p1-value-{i}", 1, Timestamp: baseTs + (i * 2000L)),
            }).ToList();
        var produced = await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = records });
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));
        return (topic, baseTs, records);
    }

    private static void AssertOffsets(JsonObject result, long p0, long p1, string what)
    {
        var offsets = result["offsets"]!;
        Assert.True(p0 == Expect.Long(offsets["0"]) && p1 == Expect.Long(offsets["1"]), $"{what}: offsets {offsets.ToJsonString()}, expected {{0: {p0}, 1: {p1}}}");
    }

    private static void AssertFromTimestamp(List<ProducedRecord> produced, List<ConsumedRecord> consumed, long from)
    {
        var expected = produced.Where(r => r.Timestamp >= from).OrderBy(r => r.Partition).ThenBy(r => r.Timestamp).ToList();
        Assert.Equal(expected.Select(r => $"{r.Partition}:{r.Key}:{r.Value}:{r.Timestamp}"), consumed.Select(r => $"{r.Partition}:{r.Key}:{r.Value}:{r.Timestamp}"));
        Assert.Equal(10, consumed.Where(r => r.Partition == 0).Min(r => r.Offset));
        Assert.Equal(5, consumed.Where(r => r.Partition == 1).Min(r => r.Offset));
    }

    [Fact]
    public async Task ConfluentKafka_offsets_for_times_and_consume_from_a_timestamp()
    {
        var (topic, baseTs, records) = await TimestampedTopic();
        AssertOffsets(await Clients.Confluent("offsets-for-times", Bootstrap, new { Topic = topic, Timestamp = baseTs + 10_000 }), 10, 5, "at base+10s");
        AssertOffsets(await Clients.Confluent("offsets-for-times", Bootstrap, new { Topic = topic, Timestamp = baseTs - 60_000 }), 0, 0, "before all");
        AssertOffsets(await Clients.Confluent("offsets-for-times", Bootstrap, new { Topic = topic, Timestamp = baseTs + 10_000_000 }), -1, -1, "after all");

        var consumed = await Clients.Confluent("consume", Bootstrap, new { Topic = topic, From = new { Timestamp = baseTs + 10_000 } });
        var list = ConsumedRecord.ListFrom(consumed);
        AssertFromTimestamp(records, list, baseTs + 10_000);
        // CreateTime (type 1) as the producer set it.
        Assert.All(consumed["records"]!.AsArray(), r => Assert.Equal(1, r!["timestamp_type"]!.GetValue<int>()));
    }

    [Fact]
    public async Task KafkaPython_offsets_for_times_and_consume_from_a_timestamp()
    {
        var (topic, baseTs, records) = await TimestampedTopic();
        AssertOffsets(await Clients.KafkaPython("offsets-for-times", Bootstrap, new { Topic = topic, Timestamp = baseTs + 10_000 }), 10, 5, "at base+10s");
        AssertOffsets(await Clients.KafkaPython("offsets-for-times", Bootstrap, new { Topic = topic, Timestamp = baseTs - 60_000 }), 0, 0, "before all");
        AssertOffsets(await Clients.KafkaPython("offsets-for-times", Bootstrap, new { Topic = topic, Timestamp = baseTs + 10_000_000 }), -1, -1, "after all");
        var consumed = await Clients.KafkaPython("consume", Bootstrap, new { Topic = topic, From = new { Timestamp = baseTs + 10_000 } });
        AssertFromTimestamp(records, ConsumedRecord.ListFrom(consumed), baseTs + 10_000);
    }

    [Fact]
    public async Task Kcat_consumes_from_a_timestamp_and_from_the_beginning()
    {
        var (topic, baseTs, records) = await TimestampedTopic();
        var consumed = new List<ConsumedRecord>();
        foreach (var partition in new[] { "0", "1" })
        {
            var lines = await Clients.Kcat(["-C", "-b", Bootstrap, "-t", topic, "-p", partition, "-o", $"s@{baseTs + 10_000}", "-e", "-q",
                "-f", @"%p\t%o\t%T\t%K\t%k\t%s\t%h\n"]);
            consumed.AddRange(lines.Where(l => l.Length > 0).Select(ProduceConsumeTests.FromKcatFormat));
        }

        AssertFromTimestamp(records, consumed, baseTs + 10_000);

        var all = await Clients.Kcat(["-C", "-b", Bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", @"%p\t%o\t%T\t%K\t%k\t%s\t%h\n"]);
        Expect.SameRecords(records, [.. all.Where(l => l.Length > 0).Select(ProduceConsumeTests.FromKcatFormat)], checkHeaders: false);
    }
}
