using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// The admin APIs through each client's admin API: CreateTopics with partitions and configs, DescribeConfigs,
/// AlterConfigs (which replaces a topic's whole override set, so an override it does not name returns to its
/// default, as in Kafka), IncrementalAlterConfigs (kafka-python only: none of these client versions has an API
/// for it, so the kafka-python script defines the v0 request on kafka-python's protocol classes), CreatePartitions,
/// DeleteTopics (then gone from metadata) and creating the topic again (a fresh, empty log without the old overrides).
/// </summary>
public sealed class AdminTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    // Kafka's broker defaults (log.retention.hours=168, message.max.bytes=1048588, cleanup.policy=delete).
    private const string DefaultRetentionMs = "604800000";
    private const string DefaultMaxMessageBytes = "1048588";

    private static void AssertConfigs(JsonNode? step, string retentionMs, string maxMessageBytes, string what)
    {
        Assert.True(step is not null, $"{what}: missing");
        var actual = $"retention.ms={Expect.Str(step!["retention.ms"])}, max.message.bytes={Expect.Str(step["max.message.bytes"])}, cleanup.policy={Expect.Str(step["cleanup.policy"])}";
        Assert.True($"retention.ms={retentionMs}, max.message.bytes={maxMessageBytes}, cleanup.policy=delete" == actual, $"{what}: {actual}");
    }

    private static int BrokerId(JsonNode? topic) => topic!["partitions"]![0]!["leader"]!.GetValue<int>();

    [Fact]
    public async Task ConfluentKafka_AdminClient_creates_describes_alters_extends_deletes_and_recreates_a_topic()
    {
        var topic = NewTopicName("admin-confluent");
        var steps = (await Clients.Confluent("admin-scenario", Bootstrap, new { Topic = topic }, TimeSpan.FromSeconds(90)))["steps"]!;
        var leader = BrokerId(steps["created"]);
        Expect.LedPartitions(steps["created"], 2, leader, "created");
        AssertConfigs(steps["described"], "3600000", "2000000", "after CreateTopics with configs");
        AssertConfigs(steps["altered"], "7200000", DefaultMaxMessageBytes, "after AlterConfigs {retention.ms}");
        Expect.LedPartitions(steps["partitions_created"], 4, leader, "after CreatePartitions to 4");
        Assert.True(steps["deleted_absent_from_metadata"]!.GetValue<bool>());
        Expect.LedPartitions(steps["recreated"], 1, leader, "recreated");
        Assert.Equal([0L, 0L], steps["recreated_watermarks"]!.AsArray().Select(Expect.Long));
        AssertConfigs(steps["recreated_configs"], DefaultRetentionMs, DefaultMaxMessageBytes, "recreated (old overrides must be gone)");
    }

    [Fact]
    public async Task KafkaPython_admin_client_including_IncrementalAlterConfigs()
    {
        var topic = NewTopicName("admin-kafkapython");
        var steps = (await Clients.KafkaPython("admin-scenario", Bootstrap, new { Topic = topic }, TimeSpan.FromSeconds(90)))["steps"]!;
        Assert.Equal([0, 1], steps["created_partitions"]!.AsArray().Select(p => p!.GetValue<int>()));
        AssertConfigs(steps["described"], "3600000", "2000000", "after CreateTopics with configs");
        AssertConfigs(steps["altered"], "7200000", DefaultMaxMessageBytes, "after AlterConfigs {retention.ms}");
        AssertConfigs(steps["incremental_set"], "7200000", "3000000", "after IncrementalAlterConfigs SET max.message.bytes");
        AssertConfigs(steps["incremental_delete"], DefaultRetentionMs, "3000000", "after IncrementalAlterConfigs DELETE retention.ms");
        Assert.Equal([0, 1, 2, 3], steps["partitions_created"]!.AsArray().Select(p => p!.GetValue<int>()));
        Assert.True(steps["deleted_absent_from_metadata"]!.GetValue<bool>());
        Assert.Equal([0], steps["recreated_partitions"]!.AsArray().Select(p => p!.GetValue<int>()));
        AssertConfigs(steps["recreated_configs"], DefaultRetentionMs, DefaultMaxMessageBytes, "recreated (old overrides must be gone)");
    }

    [Fact]
    public async Task KafkaJs_admin_creates_describes_alters_extends_deletes_and_recreates_a_topic()
    {
        var topic = NewTopicName("admin-kafkajs");
        var steps = (await Clients.KafkaJs("admin-scenario", Bootstrap, new { Topic = topic }, TimeSpan.FromSeconds(90)))["steps"]!;
        var leader = BrokerId(steps["created"]);
        Expect.LedPartitions(steps["created"], 2, leader, "created");
        AssertConfigs(steps["described"], "3600000", "2000000", "after createTopics with configEntries");
        AssertConfigs(steps["altered"], "7200000", DefaultMaxMessageBytes, "after alterConfigs {retention.ms}");
        Expect.LedPartitions(steps["partitions_created"], 4, leader, "after createPartitions to 4");
        Assert.True(steps["deleted_absent_from_metadata"]!.GetValue<bool>());
        Expect.LedPartitions(steps["recreated"], 1, leader, "recreated");
        var offsets = Assert.Single(steps["recreated_offsets"]!.AsArray())!;
        Assert.Equal(0, Expect.Long(offsets["high"]));
        AssertConfigs(steps["recreated_configs"], DefaultRetentionMs, DefaultMaxMessageBytes, "recreated (old overrides must be gone)");
    }
}
