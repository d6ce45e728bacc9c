using ActorStream.Broker;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.ApiVersions;
using ActorStream.Kafka.Protocol.Messages.CreatePartitions;
using ActorStream.Kafka.Protocol.Messages.DeleteTopics;
using ActorStream.Kafka.Protocol.Messages.ListOffsets;
using ActorStream.Kafka.Protocol.Messages.Metadata;
using ActorStream.Kafka.Tests.Network;
using Xunit.Abstractions;
using static ActorStream.Kafka.Tests.Server.BrokerServerFixture;

namespace ActorStream.Kafka.Tests.Server;

/// <summary>The broker's Kafka APIs end to end: requests encoded as clients do, over a socket, against real actors and logs.</summary>
public sealed class BrokerServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ApiVersions_lists_exactly_the_apis_the_broker_answers()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        var response = await CallAsync(client, ApiKey.ApiVersions, 3, TestClient.ApiVersionsBody());
        var listed = response.GetStructs("ApiKeys")!.Select(k => (ApiKey)k.GetInt16("ApiKey")).ToHashSet();
        Assert.Equal(server.Apis.Supported.OrderBy(k => k), listed.OrderBy(k => k));
        Assert.Contains(ApiKey.Produce, listed);
        Assert.Contains(ApiKey.IncrementalAlterConfigs, listed);
        Assert.Contains(ApiKey.JoinGroup, listed);
        var fetch = response.GetStructs("ApiKeys")!.Single(k => k.GetInt16("ApiKey") == (short)ApiKey.Fetch);
        Assert.Equal(4, fetch.GetInt16("MinVersion")); // message format v2 only: no down-conversion
        var produce = response.GetStructs("ApiKeys")!.Single(k => k.GetInt16("ApiKey") == (short)ApiKey.Produce);
        Assert.Equal(0, produce.GetInt16("MinVersion")); // old producers are converted up
        _ = ApiVersionsMessages.Response;
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(9, 12)]
    public async Task Produced_batches_get_consecutive_offsets_and_are_fetched_back_unchanged(short produceVersion, short fetchVersion)
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "orders", 2);
        for (int i = 0; i < 3; i++)
        {
            var produced = await CallAsync(client, ApiKey.Produce, produceVersion, ProduceBody("orders", 1, Batch(4, $"b{i}-")), correlationId: 10 + i);
            var partition = produced.GetStructs("Responses")![0].GetStructs("PartitionResponses")![0];
            Assert.Equal(0, partition.GetInt16("ErrorCode"));
            Assert.Equal(4 * i, partition.GetInt64("BaseOffset"));
        }

        var fetched = await CallAsync(client, ApiKey.Fetch, fetchVersion, FetchBody([("orders", 1, 4)], maxWaitMs: 0, minBytes: 0), correlationId: 20);
        var p = fetched.GetStructs("Responses")![0].GetStructs("Partitions")![0];
        Assert.Equal(0, p.GetInt16("ErrorCode"));
        Assert.Equal(12, p.GetInt64("HighWatermark"));
        var records = RecordsOf(p);
        Assert.Equal(Enumerable.Range(4, 8).Select(o => (long)o), records.Select(r => r.Offset));
        Assert.Equal("b1-0", records[0].Value);
        Assert.Equal("b2-3", records[^1].Value);
    }

    [Fact]
    public async Task A_fetch_with_nothing_to_read_waits_and_is_answered_when_a_record_arrives()
    {
        await using var server = await StartAsync(output);
        await using var consumer = await server.ConnectAsync();
        await using var producer = await server.ConnectAsync();
        await CreateTopicAsync(producer, "events", 1);

        // Max wait is far beyond the test's hang detection: only the append can answer this fetch in time.
        await consumer.SendAsync(TestClient.Request(ApiKey.Fetch, 11, 1, FetchBody([("events", 0, 0)], maxWaitMs: 600_000, minBytes: 1)));
        await CallAsync(producer, ApiKey.Produce, 8, ProduceBody("events", 0, Batch(2)), correlationId: 2);

        var (id, fetched) = await consumer.ReadResponseAsync(ApiKey.Fetch, 11);
        Assert.Equal(1, id);
        var p = fetched.GetStructs("Responses")![0].GetStructs("Partitions")![0];
        Assert.Equal([0L, 1L], RecordsOf(p).Select(r => r.Offset));
    }

    [Fact]
    public async Task A_fetch_with_max_wait_zero_answers_empty_at_once_and_offsets_outside_the_log_are_out_of_range()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "quiet", 1);
        await CallAsync(client, ApiKey.Produce, 8, ProduceBody("quiet", 0, Batch(3)), correlationId: 2);

        var fetched = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("quiet", 0, 3), ("quiet", 0, 4), ("nope", 0, 0)], maxWaitMs: 0, minBytes: 1), correlationId: 3);
        var partitions = fetched.GetStructs("Responses")!.SelectMany(t => t.GetStructs("Partitions")!).ToList();
        Assert.Equal(0, partitions[0].GetInt16("ErrorCode"));
        Assert.Empty(RecordsOf(partitions[0]));
        Assert.Equal(3, partitions[0].GetInt64("HighWatermark"));
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, partitions[1].GetInt16("ErrorCode"));
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, partitions[2].GetInt16("ErrorCode"));
    }

    [Fact]
    public async Task Fetch_max_bytes_limits_the_response_but_the_first_batch_always_goes()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "big", 2);
        for (int i = 0; i < 3; i++)
        {
            await CallAsync(client, ApiKey.Produce, 8, ProduceBody("big", 0, Batch(10)), correlationId: 10 + i);
            await CallAsync(client, ApiKey.Produce, 8, ProduceBody("big", 1, Batch(10)), correlationId: 20 + i);
        }

        // 1 byte per partition and per request: exactly one batch in all, from the first partition.
        var fetched = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("big", 0, 0), ("big", 1, 0)], 0, 1, maxBytes: 1, partitionMaxBytes: 1), correlationId: 30);
        var partitions = fetched.GetStructs("Responses")![0].GetStructs("Partitions")!;
        Assert.Equal(10, RecordsOf(partitions[0]).Count);
        Assert.Empty(RecordsOf(partitions[1]));
        Assert.Equal(30, partitions[1].GetInt64("HighWatermark"));
    }

    [Fact]
    public async Task Acks_zero_is_never_answered_but_the_records_are_appended()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "fire", 1);
        await client.SendAsync(TestClient.Request(ApiKey.Produce, 8, 1, ProduceBody("fire", 0, Batch(5), acks: 0)));
        await client.SendApiVersionsAsync(3, 2);
        var (id, _) = await client.ReadResponseAsync(ApiKey.ApiVersions, 3);
        Assert.Equal(2, id); // the produce's correlation id 1 got no answer

        var fetched = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("fire", 0, 0)], 0, 0), correlationId: 3);
        Assert.Equal(5, RecordsOf(fetched.GetStructs("Responses")![0].GetStructs("Partitions")![0]).Count);
    }

    [Fact]
    public async Task Produce_v2_with_a_magic_1_message_set_is_stored_as_a_v2_batch()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "old", 1);
        var produced = await CallAsync(client, ApiKey.Produce, 2, ProduceBody("old", 0, LegacyMessageSet(("a", "one"), ("b", "two"))), correlationId: 2);
        Assert.Equal(0, produced.GetStructs("Responses")![0].GetStructs("PartitionResponses")![0].GetInt16("ErrorCode"));

        var fetched = await CallAsync(client, ApiKey.Fetch, 11, FetchBody([("old", 0, 0)], 0, 0), correlationId: 3);
        var p = fetched.GetStructs("Responses")![0].GetStructs("Partitions")![0];
        var bytes = p.GetRecords("Records")!.Value;
        Assert.Equal(2, new global::ActorStream.Records.RecordBatch(bytes.Span).Magic);
        Assert.Equal([(0L, "one"), (1L, "two")], RecordsOf(p));

        // v3+ requires magic 2.
        var refused = await CallAsync(client, ApiKey.Produce, 3, ProduceBody("old", 0, LegacyMessageSet(("c", "three"))), correlationId: 4);
        Assert.Equal((short)ErrorCode.InvalidRecord, refused.GetStructs("Responses")![0].GetStructs("PartitionResponses")![0].GetInt16("ErrorCode"));
    }

    [Fact]
    public async Task ListOffsets_answers_earliest_latest_max_timestamp_and_by_timestamp()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        await CreateTopicAsync(client, "times", 1);
        await CallAsync(client, ApiKey.Produce, 8, ProduceBody("times", 0, Batch(5, timestamp: 1000)), correlationId: 2); // 1000..1004
        await CallAsync(client, ApiKey.Produce, 8, ProduceBody("times", 0, Batch(5, timestamp: 2000)), correlationId: 3); // 2000..2004

        async Task<(int Error, long Offset)> ListAsync(long timestamp, short version = 5)
        {
            var body = ListOffsetsMessages.Request.Create();
            body.SetInt32("ReplicaId", -1);
            var t = body.AddStruct("Topics");
            t.SetString("Name", "times");
            var p = t.AddStruct("Partitions");
            p.SetInt32("PartitionIndex", 0);
            p.SetInt64("Timestamp", timestamp);
            var response = await CallAsync(client, ApiKey.ListOffsets, version, body, correlationId: 50);
            var answer = response.GetStructs("Topics")![0].GetStructs("Partitions")![0];
            return ((int)answer.GetInt16("ErrorCode"), answer.GetInt64("Offset"));
        }

        Assert.Equal((0, 0L), await ListAsync(-2));
        Assert.Equal((0, 10L), await ListAsync(-1));
        Assert.Equal((0, 3L), await ListAsync(1003));
        Assert.Equal((0, 5L), await ListAsync(1500));
        Assert.Equal((0, -1L), await ListAsync(9999));
        // MAX_TIMESTAMP (-3) came with v7 (KIP-734); older versions refuse it as Kafka does.
        await CallAsync(client, ApiKey.Produce, 8, ProduceBody("times", 0, Batch(2, timestamp: 1500)), correlationId: 4); // 1500..1501, earlier than 2004
        Assert.Equal((0, 9L), await ListAsync(-3, version: 7));
        Assert.Equal(((int)ErrorCode.UnsupportedVersion, -1L), await ListAsync(-3, version: 6));
    }

    [Fact]
    public async Task Metadata_auto_creates_an_unknown_topic_only_when_the_client_allows_it()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();

        async Task<ProtocolStruct> MetadataAsync(string topic, bool allowAutoCreate)
        {
            var body = MetadataMessages.Request.Create();
            body.AddStruct("Topics").SetString("Name", topic);
            body.SetBool("AllowAutoTopicCreation", allowAutoCreate);
            return await CallAsync(client, ApiKey.Metadata, 9, body);
        }

        var refused = await MetadataAsync("lazy", allowAutoCreate: false);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, refused.GetStructs("Topics")![0].GetInt16("ErrorCode"));
        Assert.Null(server.Broker.Metadata.Current.Topic("lazy"));

        var created = await MetadataAsync("lazy", allowAutoCreate: true);
        var topic = created.GetStructs("Topics")![0];
        Assert.Equal(0, topic.GetInt16("ErrorCode"));
        var partition = Assert.Single(topic.GetStructs("Partitions")!);
        Assert.Equal(server.Broker.NodeId, partition.GetInt32("LeaderId"));
        Assert.Equal(server.Broker.NodeId, created.GetInt32("ControllerId"));
        var broker = Assert.Single(created.GetStructs("Brokers")!);
        Assert.Equal(server.Listener.Listener.LocalEndPoint.Port, broker.GetInt32("Port"));

        var invalid = await MetadataAsync("no/slashes", allowAutoCreate: true);
        Assert.Equal((short)ErrorCode.InvalidTopicException, invalid.GetStructs("Topics")![0].GetInt16("ErrorCode"));
    }

    [Fact]
    public async Task Topics_are_created_with_configs_grown_and_deleted_with_their_files()
    {
        await using var server = await StartAsync(output);
        await using var client = await server.ConnectAsync();
        var created = await CallAsync(client, ApiKey.CreateTopics, 7, CreateTopicsBody("audit", 2, ("cleanup.policy", "compact"), ("retention.ms", "1000")));
        var result = created.GetStructs("Topics")![0];
        Assert.Equal(0, result.GetInt16("ErrorCode"));
        Assert.Equal(2, result.GetInt32("NumPartitions"));
        Assert.Contains(result.GetStructs("Configs")!, c => c.GetString("Name") == "cleanup.policy" && c.GetString("Value") == "compact");

        var again = await CallAsync(client, ApiKey.CreateTopics, 7, CreateTopicsBody("audit", 2), correlationId: 2);
        Assert.Equal((short)ErrorCode.TopicAlreadyExists, again.GetStructs("Topics")![0].GetInt16("ErrorCode"));
        var badConfig = await CallAsync(client, ApiKey.CreateTopics, 7, CreateTopicsBody("other", 1, ("retention.ms", "-5")), correlationId: 3);
        Assert.Equal((short)ErrorCode.InvalidConfig, badConfig.GetStructs("Topics")![0].GetInt16("ErrorCode"));
        Assert.Contains("retention.ms", badConfig.GetStructs("Topics")![0].GetString("ErrorMessage"), StringComparison.Ordinal);

        var grow = CreatePartitionsMessages.Request.Create();
        var g = grow.AddStruct("Topics");
        g.SetString("Name", "audit");
        g.SetInt32("Count", 3);
        grow.SetInt32("TimeoutMs", 30_000);
        var grown = await CallAsync(client, ApiKey.CreatePartitions, 3, grow, correlationId: 4);
        Assert.Equal(0, grown.GetStructs("Results")![0].GetInt16("ErrorCode"));
        Assert.Equal(3, server.Broker.Metadata.Current.Topic("audit")!.Partitions.Length);
        var directories = Enumerable.Range(0, 3).Select(p => Path.Combine(server.Broker.Settings.DataDirectory, $"audit-{p}")).ToList();
        Assert.All(directories, d => Assert.True(Directory.Exists(d), d));

        var delete = DeleteTopicsMessages.Request.Create();
        delete.SetArray("TopicNames", new[] { "audit" });
        delete.SetInt32("TimeoutMs", 30_000);
        var deleted = await CallAsync(client, ApiKey.DeleteTopics, 5, delete, correlationId: 5);
        Assert.Equal(0, deleted.GetStructs("Responses")![0].GetInt16("ErrorCode"));
        Assert.Null(server.Broker.Metadata.Current.Topic("audit"));
        Assert.All(directories, d => Assert.False(Directory.Exists(d), d));
    }

    [Fact]
    public async Task A_request_below_the_lowest_version_the_broker_serves_closes_only_that_connection()
    {
        await using var server = await StartAsync(output);
        await using var rogue = await server.ConnectAsync();
        await using var healthy = await server.ConnectAsync();
        // Fetch v3 decodes, but this broker serves Fetch from v4 (it never down-converts to message format v0/v1).
        await rogue.SendAsync(TestClient.Request(ApiKey.Fetch, 3, 1, FetchBody([("t", 0, 0)], 0, 0)));
        Assert.True(await rogue.WaitClosedAsync());
        await healthy.SendApiVersionsAsync(3, 7);
        Assert.Equal(7, (await healthy.ReadResponseAsync(ApiKey.ApiVersions, 3)).CorrelationId);
    }
}
