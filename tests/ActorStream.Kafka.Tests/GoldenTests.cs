using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Tests;

/// <summary>
/// Bodies captured from real brokers by kafkajs (src/protocol/requests/*/fixtures), decoded field by field and
/// re-encoded to identical bytes.
/// </summary>
public class GoldenTests
{
    private static byte[] Bytes(string csv) => [.. csv.Split(',').Select(byte.Parse)];

    private const string ApiVersionsV0 = "0,0,0,0,0,21,0,0,0,0,0,2,0,1,0,0,0,3,0,2,0,0,0,1,0,3,0,0,0,2,0,4,0,0,0,0,0,5,0,0,0,0,0,6,0,0,0,3,0,7,0,1,0,1,0,8,0,0,0,2,0,9,0,0,0,2,0,10,0,0,0,0,0,11,0,0,0,1,0,12,0,0,0,0,0,13,0,0,0,0,0,14,0,0,0,0,0,15,0,0,0,0,0,16,0,0,0,0,0,17,0,0,0,0,0,18,0,0,0,0,0,19,0,0,0,1,0,20,0,0,0,0";

    private const string MetadataV5 = "0,0,0,0,0,0,0,3,0,0,0,2,0,11,49,48,46,51,46,50,50,48,46,56,57,0,0,35,138,255,255,0,0,0,1,0,11,49,48,46,51,46,50,50,48,46,56,57,0,0,35,135,255,255,0,0,0,0,0,11,49,48,46,51,46,50,50,48,46,56,57,0,0,35,132,255,255,0,22,119,121,79,69,107,48,109,55,84,110,45,48,56,111,71,90,106,116,86,103,69,103,0,0,0,2,0,0,0,1,0,0,0,74,116,101,115,116,45,116,111,112,105,99,45,102,53,101,49,55,97,56,54,56,57,54,101,98,102,100,101,98,52,50,57,45,56,48,56,50,57,45,97,51,55,98,54,100,100,101,45,49,97,100,99,45,52,54,56,55,45,56,49,51,100,45,53,50,100,55,53,97,48,97,48,102,55,56,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0";

    private const string ProduceV3 = "0,0,0,1,0,31,116,101,115,116,45,116,111,112,105,99,45,101,98,98,97,54,56,56,55,57,99,54,102,53,48,56,49,100,56,99,50,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,255,255,255,255,255,255,255,255,0,0,0,0";

    private const string Records = "0,0,0,0,0,0,0,0,0,0,0,205,0,0,0,0,2,214,84,85,104,0,0,0,0,0,2,0,0,1,95,136,193,114,169,0,0,1,95,136,193,114,169,255,255,255,255,255,255,255,255,0,0,0,0,0,0,0,0,0,3,102,0,0,0,10,107,101,121,45,48,24,115,111,109,101,45,118,97,108,117,101,45,48,2,24,104,101,97,100,101,114,45,107,101,121,45,48,28,104,101,97,100,101,114,45,118,97,108,117,101,45,48,102,0,0,2,10,107,101,121,45,49,24,115,111,109,101,45,118,97,108,117,101,45,49,2,24,104,101,97,100,101,114,45,107,101,121,45,49,28,104,101,97,100,101,114,45,118,97,108,117,101,45,49,102,0,0,4,10,107,101,121,45,50,24,115,111,109,101,45,118,97,108,117,101,45,50,2,24,104,101,97,100,101,114,45,107,101,121,45,50,28,104,101,97,100,101,114,45,118,97,108,117,101,45,50";

    private const string FetchV4 = "0,0,0,0,0,0,0,1,0,31,116,101,115,116,45,116,111,112,105,99,45,97,98,52,100,53,52,55,55,52,100,99,97,100,99,51,57,53,97,55,102,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,217," + Records;

    private const string FetchV11 = "0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,73,116,101,115,116,45,116,111,112,105,99,45,50,48,55,55,98,57,100,50,98,51,54,99,52,48,56,50,101,53,57,52,45,52,48,50,48,45,98,53,97,53,50,98,50,55,45,53,54,100,102,45,52,98,56,55,45,56,48,48,100,45,56,50,99,49,99,102,50,54,51,49,55,100,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,217," + Records;

    private static ProtocolStruct RoundTrip(ApiKey key, short version, byte[] bytes)
    {
        var schema = ApiCatalog.Get(key).Response;
        var decoded = MessageCodec.Decode(schema, version, bytes);
        Assert.Equal(bytes, MessageCodec.Encode(schema, version, decoded));
        return decoded;
    }

    [Fact]
    public void ApiVersions_v0_response()
    {
        var body = RoundTrip(ApiKey.ApiVersions, 0, Bytes(ApiVersionsV0));
        Assert.Equal(0, body.GetInt16("ErrorCode"));
        var keys = body.GetStructs("ApiKeys")!;
        Assert.Equal(21, keys.Count);
        Assert.Equal(0, keys[0].GetInt16("ApiKey"));
        Assert.Equal(2, keys[0].GetInt16("MaxVersion"));
        Assert.Equal(1, keys[7].GetInt16("MinVersion"));
        Assert.Equal(20, keys[20].GetInt16("ApiKey"));
    }

    [Fact]
    public void Metadata_v5_response()
    {
        var body = RoundTrip(ApiKey.Metadata, 5, Bytes(MetadataV5));
        var brokers = body.GetStructs("Brokers")!;
        Assert.Equal(3, brokers.Count);
        Assert.Equal(2, brokers[0].GetInt32("NodeId"));
        Assert.Equal("10.3.220.89", brokers[0].GetString("Host"));
        Assert.Equal(9098, brokers[0].GetInt32("Port"));
        Assert.Null(brokers[0].GetString("Rack"));
        Assert.Equal("wyOEk0m7Tn-08oGZjtVgEg", body.GetString("ClusterId"));
        Assert.Equal(2, body.GetInt32("ControllerId"));
        var topic = body.GetStructs("Topics")!.Single();
        Assert.StartsWith("test-topic-f5e17a", topic.GetString("Name"), StringComparison.Ordinal);
        var partition = topic.GetStructs("Partitions")!.Single();
        Assert.Equal(0, partition.GetInt32("LeaderId"));
        Assert.Equal([0], partition.GetArray<int>("ReplicaNodes")!);
        Assert.Equal([0], partition.GetArray<int>("IsrNodes")!);
        Assert.Empty(partition.GetArray<int>("OfflineReplicas")!);
    }

    [Fact]
    public void Produce_v3_response()
    {
        var body = RoundTrip(ApiKey.Produce, 3, Bytes(ProduceV3));
        var topic = body.GetStructs("Responses")!.Single();
        Assert.Equal("test-topic-ebba68879c6f5081d8c2", topic.GetString("Name"));
        var partition = topic.GetStructs("PartitionResponses")!.Single();
        Assert.Equal(0, partition.GetInt64("BaseOffset"));
        Assert.Equal(-1, partition.GetInt64("LogAppendTimeMs"));
        Assert.Equal(0, body.GetInt32("ThrottleTimeMs"));
    }

    [Theory]
    [InlineData(4, FetchV4)]
    [InlineData(11, FetchV11)]
    public void Fetch_response_records_are_kept_verbatim(short version, string csv)
    {
        var body = RoundTrip(ApiKey.Fetch, version, Bytes(csv));
        var partition = body.GetStructs("Responses")!.Single().GetStructs("Partitions")!.Single();
        Assert.Equal(3, partition.GetInt64("HighWatermark"));
        Assert.Equal(3, partition.GetInt64("LastStableOffset"));
        Assert.Equal(Bytes(Records), partition.GetRecords("Records")!.Value.ToArray());
        if (version >= 11)
            Assert.Equal(0, partition.GetInt32("PreferredReadReplica"));
    }

    [Fact]
    public void ApiVersions_v3_request_from_a_flexible_client()
    {
        // Request header v2 (ClientId stays a classic string) + compact strings + empty tagged sections.
        byte[] frame =
        [
            0, 18, 0, 3, 0, 0, 0, 1, 0, 7, (byte)'r', (byte)'d', (byte)'k', (byte)'a', (byte)'f', (byte)'k', (byte)'a', 0,
            11, (byte)'l', (byte)'i', (byte)'b', (byte)'r', (byte)'d', (byte)'k', (byte)'a', (byte)'f', (byte)'k', (byte)'a',
            6, (byte)'2', (byte)'.', (byte)'3', (byte)'.', (byte)'0', 0,
        ];
        var request = KafkaFrames.DecodeRequest(frame);
        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 3, 1, "rdkafka"), request.Header);
        Assert.Equal("librdkafka", request.Body.GetString("ClientSoftwareName"));
        Assert.Equal("2.3.0", request.Body.GetString("ClientSoftwareVersion"));

        using var writer = new ProtocolWriter();
        KafkaFrames.WriteRequest(writer, request.Header, request.Body);
        Assert.Equal(frame, writer.ToArray()[4..]);
    }
}
