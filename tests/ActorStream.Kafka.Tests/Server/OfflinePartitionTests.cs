using ActorStream.Broker;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Tests.Network;
using Xunit.Abstractions;
using static ActorStream.Kafka.Tests.Server.BrokerServerFixture;

namespace ActorStream.Kafka.Tests.Server;

/// <summary>
/// A partition whose log fails (here: closed under its replica, or its directory path taken by a file) is offline:
/// produce and fetch answer KAFKA_STORAGE_ERROR at once, never a timeout, every other partition carries on, and the
/// broker reopens the log on a backoff until it works, with no restart and no acknowledged record lost.
/// </summary>
public sealed class OfflinePartitionTests(ITestOutputHelper output)
{
    private static BrokerSettings FastRetries(BrokerSettings s) =>
        s with { ReplicaRestartBackoffMin = TimeSpan.FromMilliseconds(50), ReplicaRestartBackoffMax = TimeSpan.FromMilliseconds(200) };

    private static async Task<ProtocolStruct> ProduceAsync(TestClient client, string topic, int records, string prefix, int correlationId)
    {
        var response = await CallAsync(client, ApiKey.Produce, 8, ProduceBody(topic, 0, Batch(records, prefix)), correlationId);
        return response.GetStructs("Responses")![0].GetStructs("PartitionResponses")![0];
    }

    // DeleteTopics v6 of one topic: its error code.
    private static async Task<short> DeleteTopicAsync(TestClient client, string topic, int correlationId)
    {
        var body = Protocol.Messages.DeleteTopics.DeleteTopicsMessages.Request.Create();
        body.AddStruct("Topics").SetString("Name", topic);
        body.SetInt32("TimeoutMs", 10_000);
        return (await CallAsync(client, ApiKey.DeleteTopics, 6, body, correlationId)).GetStructs("Responses")![0].GetInt16("ErrorCode");
    }

    [Fact]
    public async Task A_log_that_fails_under_its_replica_answers_KAFKA_STORAGE_ERROR_and_is_reopened_by_itself()
    {
        await using var server = await StartAsync(output, FastRetries);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "fragile");
        await CreateTopicAsync(client, "sturdy");
        Assert.Equal(0, (await ProduceAsync(client, "fragile", 3, "before", 2)).GetInt16("ErrorCode"));
        Assert.True(server.Broker.Partitions.TryGet(new("fragile", 0), out var partition));

        partition.Log.Dispose(); // what an I/O error looks like to the replica: its next write throws
        var failed = await ProduceAsync(client, "fragile", 2, "lost", 3);
        Assert.Equal((short)ErrorCode.KafkaStorageError, failed.GetInt16("ErrorCode"));
        Assert.Contains("went offline during the append", failed.GetString("ErrorMessage"), StringComparison.Ordinal);
        Assert.Equal(0, (await ProduceAsync(client, "sturdy", 1, "other", 4)).GetInt16("ErrorCode")); // others carry on

        // The manager logs the partition's return and then marks it online, in one message: wait for the line, not
        // the flag, or the line may not be there yet.
        await WaitUntilAsync(() => server.Logs.Entries.Any(e => e.Message.Contains("Partition fragile-0 is back online after 1 failure(s)", StringComparison.Ordinal)));
        await WaitUntilAsync(() => server.Broker.Partitions.OfflineReason(new("fragile", 0)) is null);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("Partition fragile-0 is offline", StringComparison.Ordinal));
        var after = await ProduceAsync(client, "fragile", 2, "after", 5);
        Assert.Equal(0, after.GetInt16("ErrorCode"));
        Assert.Equal(3, after.GetInt64("BaseOffset")); // the three acknowledged records are still there, nothing else

        var fetched = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("fragile", 0, 0)], 0, 0), correlationId: 6);
        Assert.Equal(["before0", "before1", "before2", "after0", "after1"], RecordsOf(fetched.GetStructs("Responses")![0].GetStructs("Partitions")![0]).Select(r => r.Value));
    }

    [Fact]
    public async Task A_log_that_cannot_be_opened_keeps_its_partition_offline_until_it_can()
    {
        await using var server = await StartAsync(output, FastRetries);
        await using var client = await server.ConnectAsync();
        var blocker = Path.Combine(server.Broker.Settings.DataDirectory, "blocked-0");
        await File.WriteAllTextAsync(blocker, "a file where the partition's directory should be");
        await CreateTopicAsync(client, "blocked");

        var refused = await ProduceAsync(client, "blocked", 1, "x", 2);
        Assert.Equal((short)ErrorCode.KafkaStorageError, refused.GetInt16("ErrorCode"));
        var fetch = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("blocked", 0, 0)], 0, 0), correlationId: 3);
        Assert.Equal((short)ErrorCode.KafkaStorageError, fetch.GetStructs("Responses")![0].GetStructs("Partitions")![0].GetInt16("ErrorCode"));
        Assert.Contains("cannot be opened", server.Broker.Partitions.OfflineReason(new("blocked", 0)), StringComparison.Ordinal);
        await WaitUntilAsync(() => server.Logs.Entries.Count(e => e.Message.Contains("Partition blocked-0: reopening its log", StringComparison.Ordinal)) >= 2);

        File.Delete(blocker);
        await WaitUntilAsync(() => server.Broker.Partitions.OfflineReason(new("blocked", 0)) is null);
        Assert.True(server.Broker.Partitions.TryGet(new("blocked", 0), out _));
        var accepted = await ProduceAsync(client, "blocked", 1, "x", 4);
        Assert.Equal(0, accepted.GetInt16("ErrorCode"));
        Assert.Equal(0, accepted.GetInt64("BaseOffset"));
    }

    [Fact]
    public async Task An_offline_partition_of_a_deleted_topic_is_forgotten()
    {
        await using var server = await StartAsync(output, s => s with { ReplicaRestartBackoffMin = TimeSpan.FromHours(1), ReplicaRestartBackoffMax = TimeSpan.FromHours(1) });
        await using var client = await server.ConnectAsync();
        var blocker = Path.Combine(server.Broker.Settings.DataDirectory, "doomed-0");
        await File.WriteAllTextAsync(blocker, "in the way");
        await CreateTopicAsync(client, "doomed");
        Assert.NotNull(server.Broker.Partitions.OfflineReason(new("doomed", 0)));

        Assert.Equal(0, await DeleteTopicAsync(client, "doomed", correlationId: 2));
        Assert.Null(server.Broker.Partitions.OfflineReason(new("doomed", 0)));
        Assert.Empty(server.Broker.Partitions.Offline);
        Assert.False(File.Exists(blocker), "an offline partition's files go with its topic");
    }

    [Fact]
    public async Task A_topic_deleted_while_its_partition_was_offline_leaves_nothing_for_one_created_under_its_name()
    {
        await using var server = await StartAsync(output, s => s with { ReplicaRestartBackoffMin = TimeSpan.FromHours(1), ReplicaRestartBackoffMax = TimeSpan.FromHours(1) });
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "phoenix");
        Assert.Equal(0, (await ProduceAsync(client, "phoenix", 3, "old", 2)).GetInt16("ErrorCode"));
        Assert.True(server.Broker.Partitions.TryGet(new("phoenix", 0), out var partition));
        partition.Log.Dispose();
        Assert.Equal((short)ErrorCode.KafkaStorageError, (await ProduceAsync(client, "phoenix", 1, "lost", 3)).GetInt16("ErrorCode"));
        await WaitUntilAsync(() => server.Broker.Partitions.OfflineReason(new("phoenix", 0)) is not null);

        Assert.Equal(0, await DeleteTopicAsync(client, "phoenix", correlationId: 4));
        await CreateTopicAsync(client, "phoenix");

        var fresh = await ProduceAsync(client, "phoenix", 1, "new", 5);
        Assert.Equal((0, 0L), ((int)fresh.GetInt16("ErrorCode"), fresh.GetInt64("BaseOffset"))); // a new, empty log
    }
}
