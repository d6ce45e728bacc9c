using System.Globalization;
using System.Text.Json.Nodes;

namespace ActorStream.Compat.Tests.Harness;

/// <summary>A record for a produce script (serialized snake_case: key, value, partition, headers, timestamp).</summary>
public sealed record ProducedRecord(string? Key, string? Value, int? Partition = null, string[][]? Headers = null, long? Timestamp = null);

/// <summary>A record as a client consumed it.</summary>
public sealed record ConsumedRecord(int Partition, long Offset, string? Key, string? Value, IReadOnlyList<(string Key, string? Value)> Headers, long Timestamp)
{
    public static ConsumedRecord FromJson(JsonNode node) => new(
        node["partition"]!.GetValue<int>(),
        node["offset"]!.GetValue<long>(),
        node["key"]?.GetValue<string>(),
        node["value"]?.GetValue<string>(),
        [.. (node["headers"]?.AsArray() ?? []).Select(h => (h![0]!.GetValue<string>(), h[1]?.GetValue<string>()))],
        node["timestamp"]?.GetValue<long>() ?? -1);

    public static List<ConsumedRecord> ListFrom(JsonObject result) =>
        [.. result["records"]!.AsArray().Select(r => FromJson(r!)).OrderBy(r => r.Partition).ThenBy(r => r.Offset)];
}

/// <summary>A producer's acknowledgement of one record.</summary>
public sealed record Ack(int Index, int Partition, long Offset)
{
    public static List<Ack> ListFrom(JsonObject result) =>
        [.. result["acks"]!.AsArray().Select(a => new Ack(a!["index"]!.GetValue<int>(), a["partition"]!.GetValue<int>(), a["offset"]!.GetValue<long>())).OrderBy(a => a.Index)];
}

/// <summary>Assertions shared by the tests.</summary>
public static class Expect
{
    /// <summary>
    /// Records meant for explicit partitions: record i goes to partition i % partitions, so in partition p the
    /// k-th record (in produce order) must sit at offset k.
    /// </summary>
    public static List<ProducedRecord> Spread(int count, int partitions, Func<int, ProducedRecord> make) =>
        [.. Enumerable.Range(0, count).Select(i => make(i) with { Partition = i % partitions })];

    /// <summary>Every record acknowledged exactly once, at consecutive offsets from 0 in each partition, in produce order.</summary>
    public static void ConsecutiveAcks(IReadOnlyList<ProducedRecord> produced, IReadOnlyList<Ack> acks)
    {
        Assert.Equal(Enumerable.Range(0, produced.Count), acks.Select(a => a.Index));
        var next = new Dictionary<int, long>();
        foreach (var ack in acks)
        {
            var expectedPartition = produced[ack.Index].Partition;
            if (expectedPartition is not null)
                Assert.True(expectedPartition == ack.Partition, $"record {ack.Index} was acknowledged on partition {ack.Partition}, sent to {expectedPartition}");
            var expected = next.GetValueOrDefault(ack.Partition);
            Assert.True(expected == ack.Offset, $"record {ack.Index}: acknowledged at offset {ack.Offset} of partition {ack.Partition}, expected {expected} (consecutive from 0 in produce order)");
            next[ack.Partition] = expected + 1;
        }
    }

    /// <summary>
    /// The consumed records are exactly the produced ones (no loss, no duplicate), each partition holding its
    /// records at offsets 0.. in produce order, with keys, values and (unless <paramref name="checkHeaders"/> is
    /// false) headers intact; timestamps too where the producer set them and <paramref name="checkTimestamps"/>.
    /// </summary>
    public static void SameRecords(IReadOnlyList<ProducedRecord> produced, IReadOnlyList<ConsumedRecord> consumed, bool checkHeaders = true, bool checkTimestamps = true)
    {
        var byPartition = produced.Select((r, i) => (r, i)).GroupBy(x => x.r.Partition ?? throw new ArgumentException("records need explicit partitions"))
            .ToDictionary(g => g.Key, g => g.Select(x => x.r).ToList());
        var consumedBy = consumed.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).ToList());
        Assert.Equal(byPartition.Keys.Order(), consumedBy.Keys.Order());
        foreach (var (partition, expected) in byPartition)
        {
            var actual = consumedBy[partition];
            Assert.True(expected.Count == actual.Count, $"partition {partition}: produced {expected.Count} records, consumed {actual.Count}");
            for (var k = 0; k < expected.Count; k++)
            {
                var (e, a) = (expected[k], actual[k]);
                var where = $"partition {partition} record #{k} (offset {a.Offset})";
                Assert.True(a.Offset == k, $"{where}: offset {a.Offset}, expected {k}");
                Assert.True(e.Key == a.Key, $"{where}: key '{a.Key}', expected '{e.Key}'");
                Assert.True(e.Value == a.Value, $"{where}: value '{a.Value}', expected '{e.Value}'");
                if (checkHeaders)
                {
                    var expectedHeaders = (e.Headers ?? []).Select(h => $"{h[0]}={h[1]}");
                    var actualHeaders = a.Headers.Select(h => $"{h.Key}={h.Value}");
                    Assert.True(expectedHeaders.SequenceEqual(actualHeaders), $"{where}: headers [{string.Join(", ", actualHeaders)}], expected [{string.Join(", ", expectedHeaders)}]");
                }

                if (checkTimestamps && e.Timestamp is { } ts)
                    Assert.True(ts == a.Timestamp, $"{where}: timestamp {a.Timestamp}, expected {ts}");
            }
        }
    }

    /// <summary>The metadata of a one-node cluster: exactly this node as broker, at the advertised 127.0.0.1:port.</summary>
    public static int SingleBroker(NodeProcess node, JsonArray brokers)
    {
        var broker = Assert.Single(brokers)!;
        Assert.Equal("127.0.0.1", broker["host"]!.GetValue<string>());
        Assert.Equal(node.Port, broker["port"]!.GetValue<int>());
        return broker["id"]!.GetValue<int>();
    }

    /// <summary>A topic's partitions 0..count-1, each led by <paramref name="leader"/> (and, where reported, its only replica and ISR).</summary>
    public static void LedPartitions(JsonNode? topic, int count, int leader, string what)
    {
        Assert.True(topic is not null, $"{what}: topic missing");
        var partitions = topic!["partitions"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, count), partitions.Select(p => p!["id"]!.GetValue<int>()).Order());
        foreach (var p in partitions)
        {
            Assert.True(leader == p!["leader"]!.GetValue<int>(), $"{what}: partition {p["id"]} led by {p["leader"]}, expected broker {leader}");
            if (p["replicas"] is JsonArray replicas)
                Assert.Equal([leader], replicas.Select(r => r!.GetValue<int>()));
            if (p["isr"] is JsonArray isr)
                Assert.Equal([leader], isr.Select(r => r!.GetValue<int>()));
        }
    }

    public static string Str(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    public static long Long(JsonNode? node) => node!.GetValue<long>();

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
