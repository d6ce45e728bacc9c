using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Metadata as each client sees it: the one broker at the advertised 127.0.0.1:port, and a freshly created
/// 3-partition topic with every partition led by that broker.
/// </summary>
public sealed class MetadataTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private async Task<string> CreateTopic(int partitions = 3)
    {
        var topic = NewTopicName("meta");
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions = partitions });
        return topic;
    }

    [Fact]
    public async Task Kcat_L_J_lists_the_broker_and_the_topic_partitions()
    {
        var topic = await CreateTopic();
        var lines = await Clients.Kcat(["-L", "-J", "-b", Bootstrap, "-m", "15"]);
        var md = JsonNode.Parse(string.Join('\n', lines))!;

        var broker = Assert.Single(md["brokers"]!.AsArray())!;
        Assert.Equal($"127.0.0.1:{Node.Port}", broker["name"]!.GetValue<string>());
        var id = broker["id"]!.GetValue<int>();
        Assert.Equal(id, md["controllerid"]!.GetValue<int>());

        var t = md["topics"]!.AsArray().SingleOrDefault(x => x!["topic"]!.GetValue<string>() == topic);
        Assert.True(t is not null, $"{topic} not listed by kcat -L");
        var partitions = t!["partitions"]!.AsArray();
        Assert.Equal([0, 1, 2], partitions.Select(p => p!["partition"]!.GetValue<int>()).Order());
        foreach (var p in partitions)
        {
            Assert.Equal(id, p!["leader"]!.GetValue<int>());
            Assert.Equal([id], p["replicas"]!.AsArray().Select(r => r!["id"]!.GetValue<int>()));
            Assert.Equal([id], p["isrs"]!.AsArray().Select(r => r!["id"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task ConfluentKafka_AdminClient_list_topics_shows_broker_and_led_partitions()
    {
        var topic = await CreateTopic();
        var md = await Clients.Confluent("metadata", Bootstrap, new { Topics = new[] { topic } });
        var id = Expect.SingleBroker(Node, md["brokers"]!.AsArray());
        Assert.Equal(id, md["controller_id"]!.GetValue<int>());
        Expect.LedPartitions(md["topics"]![topic], 3, id, "confluent list_topics");
        Assert.Null(md["topics"]![topic]!["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task KafkaPython_consumer_topics_and_admin_client_show_broker_and_led_partitions()
    {
        var topic = await CreateTopic();
        var md = await Clients.KafkaPython("metadata", Bootstrap, new { Topics = new[] { topic } });
        var id = Expect.SingleBroker(Node, md["brokers"]!.AsArray());
        Assert.Equal(id, md["controller_id"]!.GetValue<int>());
        Assert.Contains(topic, md["consumer_topics"]!.AsArray().Select(Expect.Str));
        Assert.Equal([0, 1, 2], md["partitions_for_topic"]![topic]!.AsArray().Select(p => p!.GetValue<int>()));
        Expect.LedPartitions(md["topics"]![topic], 3, id, "kafka-python cluster metadata");
        Assert.Contains(topic, md["admin_list_topics"]!.AsArray().Select(Expect.Str));
        var adminBroker = Assert.Single(md["admin_cluster"]!["brokers"]!.AsArray())!.AsArray();
        Assert.Equal($"{id}|127.0.0.1|{Node.Port}", string.Join('|', adminBroker.Select(Expect.Str)));
    }

    [Fact]
    public async Task KafkaJs_admin_fetchTopicMetadata_shows_broker_and_led_partitions()
    {
        var topic = await CreateTopic();
        var md = await Clients.KafkaJs("metadata", Bootstrap, new { Topics = new[] { topic } });
        var id = Expect.SingleBroker(Node, md["brokers"]!.AsArray());
        Assert.Equal(id, md["controller_id"]!.GetValue<int>());
        Assert.Contains(topic, md["list_topics"]!.AsArray().Select(Expect.Str));
        Expect.LedPartitions(md["topics"]![topic], 3, id, "kafkajs fetchTopicMetadata");
    }
}
