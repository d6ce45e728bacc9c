using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Idempotent producers (InitProducerId, then batches carrying producer id, epoch and sequence numbers; several
/// in flight, retried by the client on errors): every record acknowledged exactly once, at consecutive offsets,
/// and consuming finds each record once.
/// </summary>
public sealed class IdempotentProducerTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private static List<ProducedRecord> Numbered(int count, int partitions) =>
        Expect.Spread(count, partitions, i => new ProducedRecord($"k{i}", $"idempotent-{i}"));

    private async Task<string> CreateTopic(string purpose, int partitions)
    {
        var topic = NewTopicName(purpose);
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions = partitions });
        return topic;
    }

    private static void NoDuplicates(List<ProducedRecord> records, List<ConsumedRecord> consumed)
    {
        var duplicates = consumed.GroupBy(r => r.Value).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
        Assert.True(duplicates.Count == 0, $"duplicated records: {string.Join(", ", duplicates)}");
        Expect.SameRecords(records, consumed, checkHeaders: false);
    }

    [Fact]
    public async Task ConfluentKafka_idempotent_producer_acknowledges_every_record_once_at_consecutive_offsets()
    {
        const int Count = 2000;
        var topic = await CreateTopic("idempotent-confluent", 2);
        var records = Numbered(Count, 2);
        var produced = await Clients.Confluent("produce", Bootstrap, new
        {
            Topic = topic,
            Records = records,
            Idempotent = true,
            LingerMs = 5,
            // Many small batches, several in flight per connection, retried by librdkafka if needed.
            Config = new Dictionary<string, object>
            {
                ["batch.num.messages"] = 50,
                ["max.in.flight.requests.per.connection"] = 5,
                ["message.send.max.retries"] = 100,
                ["retry.backoff.ms"] = 50,
            },
        }, TimeSpan.FromSeconds(90));
        Assert.All(produced["reports_per_record"]!.AsArray(), n => Assert.Equal(1, n!.GetValue<int>()));
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));
        NoDuplicates(records, ConsumedRecord.ListFrom(await Clients.Confluent("consume", Bootstrap, new { Topic = topic }, TimeSpan.FromSeconds(90))));
    }

    [Fact]
    public async Task KafkaJs_idempotent_producer_acknowledges_every_record_once_at_consecutive_offsets()
    {
        const int Count = 1000;
        var topic = await CreateTopic("idempotent-kafkajs", 2);
        var records = Numbered(Count, 2);
        var produced = await Clients.KafkaJs("produce", Bootstrap, new { Topic = topic, Records = records, Idempotent = true, BatchSize = 50 }, TimeSpan.FromSeconds(90));
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));
        NoDuplicates(records, ConsumedRecord.ListFrom(await Clients.Confluent("consume", Bootstrap, new { Topic = topic }, TimeSpan.FromSeconds(90))));
    }
}
