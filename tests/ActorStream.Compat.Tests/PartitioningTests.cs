using System.Text;
using ActorStream.Compat.Tests.Harness;
using ActorStream.Records;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Keyed records land where Kafka's Java client would put them: toPositive(murmur2(key)) % partitions, which is
/// what <see cref="Murmur2.Partition"/> computes. librdkafka must be told (partitioner=murmur2_random: its own
/// default, consistent_random, is CRC32-based); KafkaJS 2.x's DefaultPartitioner is the Java-compatible one.
/// The partition each key landed on is then read back by consuming.
/// </summary>
public sealed class PartitioningTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private const int Partitions = 6;

    /// <summary>Keys of every length 1..40 (all of murmur2's tail cases), plus non-ASCII ones.</summary>
    private static List<string> Keys() =>
        [.. Enumerable.Range(0, 200).Select(i => $"key-{i}-" + new string((char)('a' + (i % 26)), i % 33)).Append("ключ").Append("鍵").Append("k").Append("😀-emoji")];

    private async Task<string> CreateTopic(string purpose)
    {
        var topic = NewTopicName(purpose);
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions });
        return topic;
    }

    private async Task AssertPlacement(string topic, List<ProducedRecord> records, List<Ack> acks, string client)
    {
        Assert.Equal(records.Count, acks.Count);
        var wrong = acks.Where(a => a.Partition != Murmur2.Partition(Encoding.UTF8.GetBytes(records[a.Index].Key!), Partitions))
            .Select(a => $"'{records[a.Index].Key}' -> {a.Partition} (murmur2: {Murmur2.Partition(Encoding.UTF8.GetBytes(records[a.Index].Key!), Partitions)})")
            .Take(10).ToList();
        Assert.True(wrong.Count == 0, $"{client} placed keys unlike Kafka's murmur2: {string.Join("; ", wrong)}");

        var consumed = ConsumedRecord.ListFrom(await Clients.Confluent("consume", Bootstrap, new { Topic = topic }));
        Assert.Equal(records.Count, consumed.Count);
        var ackOf = acks.ToDictionary(a => records[a.Index].Key!);
        foreach (var r in consumed)
        {
            Assert.True(ackOf.TryGetValue(r.Key!, out var ack), $"consumed an unknown key '{r.Key}'");
            Assert.True(ack.Partition == r.Partition && ack.Offset == r.Offset, $"key '{r.Key}' acknowledged at {ack.Partition}/{ack.Offset}, consumed at {r.Partition}/{r.Offset}");
            Assert.Equal(Murmur2.Partition(Encoding.UTF8.GetBytes(r.Key!), Partitions), r.Partition);
        }
    }

    [Fact]
    public async Task Librdkafka_murmur2_random_places_keys_like_the_Java_client()
    {
        var topic = await CreateTopic("murmur2-librdkafka");
        var records = Keys().Select(k => new ProducedRecord(k, $"value of {k}")).ToList();
        var produced = await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = records, Partitioner = "murmur2_random" });
        await AssertPlacement(topic, records, Ack.ListFrom(produced), "librdkafka murmur2_random");
    }

    [Fact]
    public async Task KafkaJs_default_partitioner_places_keys_like_the_Java_client()
    {
        var topic = await CreateTopic("murmur2-kafkajs");
        var records = Keys().Select(k => new ProducedRecord(k, $"value of {k}")).ToList();
        // One record per send(): the send result then names the partition KafkaJS chose for that key.
        var produced = await Clients.KafkaJs("produce", Bootstrap, new { Topic = topic, Records = records, OnePerSend = true }, TimeSpan.FromSeconds(90));
        await AssertPlacement(topic, records, Ack.ListFrom(produced), "KafkaJS DefaultPartitioner");
    }
}
