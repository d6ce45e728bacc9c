using ActorStream.Actors;
using ActorStream.Broker.Controller;
using ActorStream.Broker.Tests.Replication;
using ActorStream.Broker.Topics;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Controller;

/// <summary>The controller through its protocol: topic lifecycle, validation, configs, restarts, producer ids.</summary>
public sealed class ControllerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = BrokerHarness.Timeout;

    private static Dictionary<string, string?> NoConfigs() => [];

    private static Task<TopicCreateResult> Create(BrokerHarness broker, string name, int partitions = 1, short replication = 1,
        Dictionary<string, string?>? configs = null, bool validateOnly = false) =>
        broker.Controller.Ask<TopicCreateResult>(new CreateTopic(name, partitions, replication, configs ?? NoConfigs(), validateOnly), Timeout);

    private static Task<TopicDeleteResult> Delete(BrokerHarness broker, string name) =>
        broker.Controller.Ask<TopicDeleteResult>(new DeleteTopic(name), Timeout);

    private static Task<CreatePartitionsResult> Grow(BrokerHarness broker, string name, int total) =>
        broker.Controller.Ask<CreatePartitionsResult>(new CreatePartitions(name, total), Timeout);

    [Fact]
    public async Task Creating_a_topic_places_every_partition_on_this_node_and_starts_its_replica()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        var result = await Create(broker, "orders", partitions: 3);
        Assert.Equal(ApiError.None, result.Error);

        var topic = broker.Image.Topic("orders");
        Assert.NotNull(topic);
        Assert.NotEqual(Guid.Empty, topic.TopicId);
        Assert.Equal(3, topic.Partitions.Length);
        for (int p = 0; p < 3; p++)
        {
            var partition = topic.Partitions[p];
            Assert.Equal(p, partition.Index);
            Assert.Equal(1, partition.Leader);
            Assert.Equal(new[] { 1 }, partition.Replicas.ToArray());
            Assert.Equal(new[] { 1 }, partition.Isr.ToArray());
            Assert.Equal(0, partition.LeaderEpoch);
            var state = broker.Partition("orders", p);
            Assert.Equal(topic.TopicId, state.TopicId);
            Assert.True(state.IsOnline);
            Assert.True(Directory.Exists(broker.PartitionDirectory("orders", p)), $"orders-{p} has no directory");
        }

        Assert.False(broker.Broker.Partitions.TryGet(new TopicPartition("orders", 3), out _));
        Assert.Equal(3, broker.Broker.Partitions.Count);
        Assert.False(string.IsNullOrEmpty(broker.Image.ClusterId));
        // The replicas accept produce once the creation is answered.
        Assert.Equal(0, await broker.AppendOkAsync("orders", Batches.Plain(1), partition: 2));
    }

    [Fact]
    public async Task Topic_creation_is_validated_and_validate_only_creates_nothing()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("taken");
        var version = broker.Image.Version;

        Assert.Equal(ErrorCode.TopicAlreadyExists, (await Create(broker, "taken")).Error.Code);
        foreach (var name in new[] { "", ".", "..", "a/b", "has space", "ünïcode", new string('x', 250) })
            Assert.Equal(ErrorCode.InvalidTopicException, (await Create(broker, name)).Error.Code);
        Assert.Equal(ErrorCode.None, (await Create(broker, new string('x', 249), validateOnly: true)).Error.Code);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, (await Create(broker, "rf3", replication: 3)).Error.Code);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, (await Create(broker, "rf0", replication: 0)).Error.Code);
        Assert.Equal(ErrorCode.InvalidPartitions, (await Create(broker, "p0", partitions: 0)).Error.Code);
        Assert.Equal(ErrorCode.InvalidPartitions, (await Create(broker, "pneg", partitions: -2)).Error.Code);
        Assert.Equal(ErrorCode.InvalidConfig, (await Create(broker, "badcfg", configs: new() { ["retention.ms"] = "-5" })).Error.Code);
        Assert.Equal(ErrorCode.InvalidConfig, (await Create(broker, "badcfg", configs: new() { ["no.such.config"] = "1" })).Error.Code);
        Assert.Equal(ErrorCode.InvalidConfig, (await Create(broker, "badcfg", configs: new() { ["retention.ms"] = null })).Error.Code);

        var validated = await Create(broker, "dry", partitions: 4, configs: new() { ["retention.ms"] = "1000" }, validateOnly: true);
        Assert.Equal(ApiError.None, validated.Error);
        Assert.NotNull(validated.Topic);
        Assert.Equal(4, validated.Topic.Partitions.Length);
        Assert.Equal("1000", validated.Topic.Config.Overrides["retention.ms"]);

        // None of the refused or validate-only requests changed anything.
        Assert.Equal(version, broker.Image.Version);
        Assert.Equal(["taken"], broker.Image.Topics.Keys);
        Assert.Equal(1, broker.Broker.Partitions.Count);
        Assert.Equal(["taken-0"], Directory.EnumerateDirectories(broker.Directory).Select(Path.GetFileName).Where(d => !d!.StartsWith("__", StringComparison.Ordinal)));

        // -1 means the broker defaults (num.partitions, default.replication.factor).
        Assert.Equal(ApiError.None, (await Create(broker, "defaults", partitions: -1, replication: -1)).Error);
        Assert.Equal(BrokerDefaults.Kafka.NumPartitions, broker.Image.Topic("defaults")!.Partitions.Length);
    }

    [Fact]
    public async Task Deleting_a_topic_answers_once_its_files_are_gone_and_a_new_topic_of_the_same_name_starts_empty()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("doomed", partitions: 2);
        var oldId = broker.Image.Topic("doomed")!.TopicId;
        for (int i = 0; i < 3; i++)
            await broker.AppendOkAsync("doomed", Batches.Idempotent(99, 0, i, 1));
        await broker.AppendOkAsync("doomed", Batches.Plain(4), partition: 1);
        // A clean restart leaves a producer-state snapshot of doomed-0 beside the log.
        await broker.RestartAsync();
        var snapshots = Path.Combine(broker.Directory, "__snapshots", "doomed-0");
        await Eventually.Holds(() => Directory.Exists(snapshots) && Directory.EnumerateFiles(snapshots, "snapshot-*.log").Any(), "a snapshot of doomed-0");
        var oldState = broker.Partition("doomed", 0);
        var waitingFetch = oldState.WhenAdvanced;
        Assert.False(waitingFetch.IsCompleted);

        var deleted = await Delete(broker, "doomed");

        Assert.Equal(ApiError.None, deleted.Error);
        Assert.Equal(oldId, deleted.TopicId);
        Assert.False(Directory.Exists(broker.PartitionDirectory("doomed", 0)));
        Assert.False(Directory.Exists(broker.PartitionDirectory("doomed", 1)));
        Assert.Empty(Directory.EnumerateFiles(snapshots, "snapshot-*"));
        Assert.Null(broker.Image.Topic("doomed"));
        Assert.False(broker.Broker.Partitions.TryGet(new TopicPartition("doomed", 0), out _));
        Assert.False(oldState.IsOnline);
        Assert.True(waitingFetch.IsCompleted, "a fetch waiting on a deleted partition must wake up");
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await Delete(broker, "doomed")).Error.Code);
        var byId = await broker.Controller.Ask<TopicDeleteResult>(new DeleteTopic(null, oldId), Timeout);
        Assert.Equal(ErrorCode.UnknownTopicId, byId.Error.Code);

        // Re-created: a different topic (new id), empty, with no memory of the old one's producers.
        await broker.CreateTopicAsync("doomed", partitions: 1);
        var newId = broker.Image.Topic("doomed")!.TopicId;
        Assert.NotEqual(oldId, newId);
        var state = broker.Partition("doomed", 0);
        Assert.Equal(newId, state.TopicId);
        Assert.Equal(0, state.LogEndOffset);
        Assert.Equal(0, state.LogStartOffset);
        Assert.False(Directory.Exists(broker.PartitionDirectory("doomed", 1)));
        var retry = await broker.AppendAsync("doomed", Batches.Idempotent(99, 0, 2, 1));
        Assert.Equal(ErrorCode.None, retry.Error);
        Assert.Equal(0, retry.BaseOffset);
        Assert.Equal(1, state.LogEndOffset);

        // And it stays the new topic across a restart.
        await broker.RestartAsync();
        Assert.Equal(newId, broker.Image.Topic("doomed")!.TopicId);
        Assert.Equal(1, broker.Partition("doomed").LogEndOffset);
    }

    [Fact]
    public async Task A_topic_can_be_deleted_by_id()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("byid");
        var id = broker.Image.Topic("byid")!.TopicId;
        var result = await broker.Controller.Ask<TopicDeleteResult>(new DeleteTopic(null, id), Timeout);
        Assert.Equal(ApiError.None, result.Error);
        Assert.Equal("byid", result.Name);
        Assert.Null(broker.Image.TopicById(id));
        Assert.False(Directory.Exists(broker.PartitionDirectory("byid", 0)));
    }

    [Fact]
    public async Task Partitions_can_only_be_added()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("grow");
        Assert.Equal(0, await broker.AppendOkAsync("grow", Batches.Plain(3)));
        var id = broker.Image.Topic("grow")!.TopicId;

        Assert.Equal(ApiError.None, (await Grow(broker, "grow", 3)).Error);

        var topic = broker.Image.Topic("grow")!;
        Assert.Equal(id, topic.TopicId);
        Assert.Equal(3, topic.Partitions.Length);
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal(1, topic.Partitions[p].Leader);
            Assert.Equal(new[] { 1 }, topic.Partitions[p].Replicas.ToArray());
            Assert.Equal(new[] { 1 }, topic.Partitions[p].Isr.ToArray());
            Assert.True(Directory.Exists(broker.PartitionDirectory("grow", p)));
            Assert.Equal(id, broker.Partition("grow", p).TopicId);
        }

        Assert.Equal(3, broker.Partition("grow", 0).LogEndOffset); // the old partition kept its records
        Assert.Equal(0, await broker.AppendOkAsync("grow", Batches.Plain(1), partition: 2));

        Assert.Equal(ErrorCode.InvalidPartitions, (await Grow(broker, "grow", 3)).Error.Code);
        Assert.Equal(ErrorCode.InvalidPartitions, (await Grow(broker, "grow", 2)).Error.Code);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await Grow(broker, "nope", 5)).Error.Code);
        var dry = await broker.Controller.Ask<CreatePartitionsResult>(new CreatePartitions("grow", 6, ValidateOnly: true), Timeout);
        Assert.Equal(ApiError.None, dry.Error);
        Assert.Equal(3, broker.Image.Topic("grow")!.Partitions.Length);
        Assert.False(Directory.Exists(broker.PartitionDirectory("grow", 3)));
    }

    [Fact]
    public async Task Altered_configs_reach_the_image_and_the_replicas()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("cfg", partitions: 2);
        var batch = Batches.Plain(4, valueBytes: 400);
        Assert.True(batch.Length > 1000);
        Assert.Equal(0, await broker.AppendOkAsync("cfg", batch.ToArray()));

        var config = TopicConfig.Create(new Dictionary<string, string?> { ["max.message.bytes"] = "1000", ["retention.ms"] = "60000" });
        var altered = await broker.Controller.Ask<AlterTopicConfigsResult>(new AlterTopicConfigs("cfg", config), Timeout);

        Assert.Equal(ApiError.None, altered.Error);
        Assert.Equal(config, broker.Image.Topic("cfg")!.Config);
        for (int p = 0; p < 2; p++)
        {
            var result = await broker.AppendAsync("cfg", batch.ToArray(), partition: p);
            Assert.Equal(ErrorCode.MessageTooLarge, result.Error);
            Assert.Equal(60_000L, broker.Partition("cfg", p).Log.Config.RetentionMs);
        }

        Assert.Equal(4, broker.Partition("cfg").LogEndOffset);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition,
            (await broker.Controller.Ask<AlterTopicConfigsResult>(new AlterTopicConfigs("nope", config), Timeout)).Error.Code);

        // Validate-only changes nothing; an empty set removes the overrides again.
        var dry = await broker.Controller.Ask<AlterTopicConfigsResult>(new AlterTopicConfigs("cfg", TopicConfig.Empty, ValidateOnly: true), Timeout);
        Assert.Equal(ApiError.None, dry.Error);
        Assert.Equal(config, broker.Image.Topic("cfg")!.Config);
        await broker.Controller.Ask<AlterTopicConfigsResult>(new AlterTopicConfigs("cfg", TopicConfig.Empty), Timeout);
        Assert.Empty(broker.Image.Topic("cfg")!.Config.Overrides);
        Assert.Equal(4, await broker.AppendOkAsync("cfg", batch.ToArray()));
    }

    [Fact]
    public async Task Topics_ids_configs_and_partition_counts_survive_a_restart()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("a", partitions: 2, configs: new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["max.message.bytes"] = "5000" });
        await broker.CreateTopicAsync("b");
        await broker.CreateTopicAsync("gone");
        Assert.Equal(ApiError.None, (await Grow(broker, "b", 4)).Error);
        Assert.Equal(ApiError.None, (await Delete(broker, "gone")).Error);
        var config = TopicConfig.Create(new Dictionary<string, string?> { ["retention.ms"] = "123456" });
        Assert.Equal(ApiError.None, (await broker.Controller.Ask<AlterTopicConfigsResult>(new AlterTopicConfigs("b", config), Timeout)).Error);
        Assert.Equal(0, await broker.AppendOkAsync("b", Batches.Plain(2), partition: 3));
        var before = broker.Image;

        await broker.RestartAsync();

        var after = broker.Image;
        Assert.Equal(before.ClusterId, after.ClusterId);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(["a", "b"], after.Topics.Keys);
        foreach (var name in new[] { "a", "b" })
        {
            Assert.Equal(before.Topics[name].TopicId, after.Topics[name].TopicId);
            Assert.Equal(before.Topics[name].Config, after.Topics[name].Config);
            // (PartitionImage's ImmutableArrays compare by reference, so compare what they hold.)
            Assert.Equal(
                before.Topics[name].Partitions.Select(p => (p.Index, p.Leader, p.LeaderEpoch, string.Join(',', p.Replicas), string.Join(',', p.Isr))),
                after.Topics[name].Partitions.Select(p => (p.Index, p.Leader, p.LeaderEpoch, string.Join(',', p.Replicas), string.Join(',', p.Isr))));
        }

        Assert.Equal("compact", after.Topics["a"].Config.Overrides["cleanup.policy"]);
        Assert.Equal(4, after.Topics["b"].Partitions.Length);
        Assert.Equal(6, broker.Broker.Partitions.Count);
        Assert.Equal(123_456L, broker.Partition("b", 3).Log.Config.RetentionMs);
        Assert.Equal(2, broker.Partition("b", 3).LogEndOffset);
        // The replicas run the recovered configs: "a" refuses what its max.message.bytes does not allow.
        Assert.Equal(ErrorCode.MessageTooLarge, (await broker.AppendAsync("a", Batches.Plain(20, valueBytes: 400))).Error);
        Assert.False(Directory.Exists(broker.PartitionDirectory("gone", 0)));
        // The cluster is still writable: the metadata log continues after the recovered events.
        await broker.CreateTopicAsync("c");
        Assert.True(broker.Image.Version > before.Version);
    }

    [Fact]
    public async Task Partition_directories_no_topic_claims_are_removed_at_start()
    {
        await using var broker = await BrokerHarness.StartAsync(output, beforeStart: dir =>
        {
            Directory.CreateDirectory(Path.Combine(dir, "ghost-0"));
            File.WriteAllText(Path.Combine(dir, "ghost-0", "00000000000000000000.log"), "");
            Directory.CreateDirectory(Path.Combine(dir, "notes"));
        });

        Assert.False(Directory.Exists(Path.Combine(broker.Directory, "ghost-0")));
        Assert.True(Directory.Exists(Path.Combine(broker.Directory, "notes")), "a directory that is no partition's is left alone");

        // The same at a restart: a directory of a partition the metadata does not have goes, the real ones stay.
        await broker.CreateTopicAsync("real");
        await broker.AppendOkAsync("real", Batches.Plain(1));
        await broker.Broker.StopAsync(Timeout);
        Directory.CreateDirectory(broker.PartitionDirectory("real", 7));
        Directory.CreateDirectory(broker.PartitionDirectory("phantom-topic", 0));
        await broker.RestartAsync();

        Assert.False(Directory.Exists(broker.PartitionDirectory("real", 7)));
        Assert.False(Directory.Exists(broker.PartitionDirectory("phantom-topic", 0)));
        Assert.True(Directory.Exists(broker.PartitionDirectory("real", 0)));
        Assert.Equal(1, broker.Partition("real").LogEndOffset);
    }

    [Fact]
    public async Task Producer_ids_are_unique_and_never_reused_after_a_restart()
    {
        await using var broker = await BrokerHarness.StartAsync(output);
        var first = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            var allocated = await broker.Controller.Ask<ProducerIdAllocated>(AllocateProducerId.Instance, Timeout);
            Assert.Equal(0, allocated.Epoch);
            Assert.True(allocated.ProducerId >= 0);
            first.Add(allocated.ProducerId);
        }

        Assert.Equal(5, first.Distinct().Count());

        // Concurrent requests too get distinct ids.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => broker.Controller.Ask<ProducerIdAllocated>(AllocateProducerId.Instance, Timeout)));
        first.AddRange(concurrent.Select(a => a.ProducerId));
        Assert.Equal(25, first.Distinct().Count());

        await broker.RestartAsync();
        var second = new List<long>();
        for (int i = 0; i < 5; i++)
            second.Add((await broker.Controller.Ask<ProducerIdAllocated>(AllocateProducerId.Instance, Timeout)).ProducerId);

        Assert.Equal(5, second.Distinct().Count());
        Assert.All(second, id => Assert.True(id > first.Max(), $"id {id} was not above every id handed out before the restart ({first.Max()})"));

        // An unclean restart does not reuse them either.
        await broker.RestartAsync(clean: false);
        var third = (await broker.Controller.Ask<ProducerIdAllocated>(AllocateProducerId.Instance, Timeout)).ProducerId;
        Assert.True(third > second.Max());
    }

    // A graceful stop closes every file of the data directory: the partition logs and the metadata log (which an
    // earlier BrokerNode left open). Linux only: it reads /proc/self/fd.
    [Fact]
    public async Task A_stopped_broker_holds_no_file_of_its_data_directory_open()
    {
        if (!OperatingSystem.IsLinux())
            return;
        await using var broker = await BrokerHarness.StartAsync(output);
        await broker.CreateTopicAsync("t");
        await broker.AppendOkAsync("t", Batches.Plain(1));

        await broker.ShutdownAsync(clean: true);
        // The replica's producer-state snapshot at stop is written in the background (StopAsync does not wait for it).
        var snapshots = Path.Combine(broker.Directory, "__snapshots", "t-0");
        await Eventually.Holds(() => Directory.Exists(snapshots) && Directory.EnumerateFiles(snapshots, "snapshot-*.log").Any(), "the snapshot at stop");

        var open = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target is not null && target.StartsWith(broker.Directory + "/", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(open);
    }
}
