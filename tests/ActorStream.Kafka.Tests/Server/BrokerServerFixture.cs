using System.Buffers.Binary;
using ActorStream.Actors;
using ActorStream.Broker;
using ActorStream.Broker.Metadata;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.CreateTopics;
using ActorStream.Kafka.Protocol.Messages.Fetch;
using ActorStream.Kafka.Protocol.Messages.Produce;
using ActorStream.Kafka.Server;
using ActorStream.Kafka.Tests.Network;
using ActorStream.Records;
using ActorStream.TestKit.Logging;
using Xunit.Abstractions;

namespace ActorStream.Kafka.Tests.Server;

/// <summary>A real broker (actor system, controller, replicas on disk) behind a real listener on 127.0.0.1:0.</summary>
internal sealed class BrokerServerFixture : IAsyncDisposable
{
    private BrokerServerFixture(ActorSystem system, BrokerNode broker, KafkaApis apis, ListenerFixture listener, TestLoggerFactory logs)
    {
        Logs = logs;
        Actors = system;
        Broker = broker;
        Apis = apis;
        Listener = listener;
    }

    public ActorSystem Actors { get; }

    /// <summary>Everything the broker and the handlers logged.</summary>
    public TestLoggerFactory Logs { get; }

    public BrokerNode Broker { get; }

    public KafkaApis Apis { get; }

    public ListenerFixture Listener { get; }

    public static async Task<BrokerServerFixture> StartAsync(ITestOutputHelper output, Func<BrokerSettings, BrokerSettings>? configure = null)
    {
        var logs = new TestLoggerFactory(output);
        var system = ActorSystem.Create("server", null, new ActorSystemSetup { LoggerFactory = logs });
        var dir = Directory.CreateTempSubdirectory("actorstream-server-").FullName;
        var settings = new BrokerSettings { DataDirectory = dir };
        settings = configure?.Invoke(settings) ?? settings;
        var broker = await BrokerNode.StartAsync(system, settings, new BrokerInfo(settings.NodeId, "127.0.0.1", 0), NetworkTests.Timeout);
        var context = new KafkaServerContext(broker, logs.CreateLogger("ActorStream.Kafka"));
        var apis = new KafkaApis(context);
        var listener = new ListenerFixture(apis);
        context.Advertised = new BrokerInfo(broker.NodeId, "127.0.0.1", listener.Listener.LocalEndPoint.Port);
        return new BrokerServerFixture(system, broker, apis, listener, logs);
    }

    public Task<TestClient> ConnectAsync() => Listener.ConnectAsync();

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        await Broker.StopAsync(NetworkTests.Timeout);
        await Actors.Terminate();
        try
        {
            Directory.Delete(Broker.Settings.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Sends one request and reads its response (no other request in flight on the client).</summary>
    public static ProtocolStruct CreateTopicsBody(string name, int partitions, params (string Name, string Value)[] configs)
    {
        var body = CreateTopicsMessages.Request.Create();
        var topic = body.AddStruct("Topics");
        topic.SetString("Name", name);
        topic.SetInt32("NumPartitions", partitions);
        topic.SetInt16("ReplicationFactor", 1);
        foreach (var (n, v) in configs)
        {
            var c = topic.AddStruct("Configs");
            c.SetString("Name", n);
            c.SetString("Value", v);
        }

        return body;
    }

    /// <summary>CreateTopics v5 of one topic, asserting it was created.</summary>
    public static async Task CreateTopicAsync(TestClient client, string name, int partitions = 1, params (string Name, string Value)[] configs)
    {
        var response = await CallAsync(client, ApiKey.CreateTopics, 5, CreateTopicsBody(name, partitions, configs), correlationId: 99);
        Assert.Equal(0, response.GetStructs("Topics")![0].GetInt16("ErrorCode"));
    }

    /// <summary>Polls a condition the broker reaches on its own timers (retention, restarts); the timeout only detects a hang.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(NetworkTests.Timeout);
        while (!condition())
            await Task.Delay(20, timeout.Token);
    }

    public static async Task<ProtocolStruct> CallAsync(TestClient client, ApiKey key, short version, ProtocolStruct body, int correlationId = 1)
    {
        await client.SendAsync(TestClient.Request(key, version, correlationId, body));
        var (id, response) = await client.ReadResponseAsync(key, version);
        Assert.Equal(correlationId, id);
        return response;
    }

    public static byte[] Batch(int records, string prefix = "v", long timestamp = 1_700_000_000_000, CompressionType compression = CompressionType.None)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = compression });
        for (int i = 0; i < records; i++)
            builder.Append(timestamp + i, global::System.Text.Encoding.UTF8.GetBytes($"k{i}"), global::System.Text.Encoding.UTF8.GetBytes($"{prefix}{i}"));
        return builder.ToArray();
    }

    public static ProtocolStruct ProduceBody(string topic, int partition, byte[] records, short acks = 1)
    {
        var body = ProduceMessages.Request.Create();
        body.SetInt16("Acks", acks);
        body.SetInt32("TimeoutMs", 30_000);
        var t = body.AddStruct("TopicData");
        t.SetString("Name", topic);
        var p = t.AddStruct("PartitionData");
        p.SetInt32("Index", partition);
        p.SetRecords("Records", records);
        return body;
    }

    public static ProtocolStruct FetchBody(IEnumerable<(string Topic, int Partition, long Offset)> partitions, int maxWaitMs, int minBytes, int maxBytes = int.MaxValue, int partitionMaxBytes = 1 << 20)
    {
        var body = FetchMessages.Request.Create();
        body.SetInt32("MaxWaitMs", maxWaitMs);
        body.SetInt32("MinBytes", minBytes);
        body.SetInt32("MaxBytes", maxBytes);
        foreach (var group in partitions.GroupBy(p => p.Topic))
        {
            var t = body.AddStruct("Topics");
            t.SetString("Topic", group.Key);
            foreach (var (_, partition, offset) in group)
            {
                var p = t.AddStruct("Partitions");
                p.SetInt32("Partition", partition);
                p.SetInt64("FetchOffset", offset);
                p.SetInt32("PartitionMaxBytes", partitionMaxBytes);
            }
        }

        return body;
    }

    /// <summary>The (offset, value) of every record in a fetched partition's records.</summary>
    public static List<(long Offset, string Value)> RecordsOf(ProtocolStruct fetchPartition)
    {
        var result = new List<(long, string)>();
        var bytes = fetchPartition.GetRecords("Records") ?? ReadOnlyMemory<byte>.Empty;
        var scanner = new RecordBatchScanner(bytes.Span);
        while (scanner.MoveNext())
        {
            foreach (var record in scanner.Current.GetRecords())
                result.Add((record.Offset, global::System.Text.Encoding.UTF8.GetString(record.Value)));
        }

        return result;
    }

    /// <summary>A magic-1 message set of uncompressed messages (what Produce v0-v2 clients send).</summary>
    public static byte[] LegacyMessageSet(params (string Key, string Value)[] messages)
    {
        var stream = new MemoryStream();
        foreach (var (key, value) in messages)
        {
            var k = global::System.Text.Encoding.UTF8.GetBytes(key);
            var v = global::System.Text.Encoding.UTF8.GetBytes(value);
            var message = new byte[4 + 1 + 1 + 8 + 4 + k.Length + 4 + v.Length];
            var span = message.AsSpan();
            span[4] = 1; // magic
            span[5] = 0; // attributes: no compression, CreateTime
            BinaryPrimitives.WriteInt64BigEndian(span[6..], 1_700_000_000_000);
            BinaryPrimitives.WriteInt32BigEndian(span[14..], k.Length);
            k.CopyTo(span[18..]);
            BinaryPrimitives.WriteInt32BigEndian(span[(18 + k.Length)..], v.Length);
            v.CopyTo(span[(22 + k.Length)..]);
            BinaryPrimitives.WriteUInt32BigEndian(span, Crc32Ieee.Compute(span[4..]));
            var header = new byte[12];
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), message.Length);
            stream.Write(header);
            stream.Write(message);
        }

        return stream.ToArray();
    }
}
