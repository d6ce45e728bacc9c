using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Tests;

public class RoundTripTests
{
    public static IEnumerable<object[]> Messages() => Samples.AllMessages();

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_version_round_trips(ApiKey key, short version, bool request)
    {
        var schema = Samples.Schema(key, request);
        for (int variant = 0; variant < 3; variant++)
        {
            var original = Samples.Populate(schema, version, variant);
            byte[] encoded = MessageCodec.Encode(schema, version, original);
            var decoded = MessageCodec.Decode(schema, version, encoded);

            Assert.Equal(original.ToString(), decoded.ToString());
            Assert.Equal(encoded, MessageCodec.Encode(schema, version, decoded));
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Frames_round_trip_with_headers(ApiKey key, short version, bool request)
    {
        if (request)
        {
            var decoded = KafkaFrames.DecodeRequest(Samples.RequestFrame(key, version));
            Assert.Equal(key, decoded.Header.ApiKey);
            Assert.Equal(version, decoded.Header.ApiVersion);
            Assert.Equal(42, decoded.Header.CorrelationId);
            Assert.Equal("client-1", decoded.Header.ClientId);
            Assert.Equal(Samples.Populate(Samples.Schema(key, true), version, 1).ToString(), decoded.Body.ToString());
        }
        else
        {
            var body = KafkaFrames.DecodeResponse(Samples.ResponseFrame(key, version), key, version, out int correlationId);
            Assert.Equal(42, correlationId);
            Assert.Equal(Samples.Populate(Samples.Schema(key, false), version, 1).ToString(), body.ToString());
        }
    }

    [Fact]
    public void Unknown_tagged_fields_survive_a_round_trip_in_tag_order()
    {
        var schema = Protocol.Messages.Fetch.FetchMessages.Response;
        var value = schema.Create();
        value.UnknownTaggedFields.Add(new RawTaggedField(7, new byte[] { 9 }));
        value.UnknownTaggedFields.Add(new RawTaggedField(5, new byte[] { 8, 8 }));
        var node = value.AddStruct("NodeEndpoints"); // known tag 0, ahead of both
        node.SetString("Host", "h");

        var decoded = MessageCodec.Decode(schema, 16, MessageCodec.Encode(schema, 16, value));

        Assert.Equal([5, 7], decoded.UnknownTaggedFields.Select(f => f.Tag));
        Assert.Equal("h", decoded.GetStructs("NodeEndpoints")![0].GetString("Host"));
    }

    [Fact]
    public void Absent_fields_decode_to_their_defaults()
    {
        var schema = Protocol.Messages.Produce.ProduceMessages.Response;
        var decoded = MessageCodec.Decode(schema, 0, MessageCodec.Encode(schema, 0, schema.Create()));
        Assert.Equal(0, decoded.GetInt32("ThrottleTimeMs"));

        var partition = schema.Create().AddStruct("Responses").AddStruct("PartitionResponses");
        Assert.Equal(-1, partition.GetInt64("LogAppendTimeMs"));
        Assert.Equal(-1, partition.GetStruct("CurrentLeader").GetInt32("LeaderId"));
        Assert.Null(partition.GetString("ErrorMessage"));
    }

    [Fact]
    public void Non_default_value_in_a_version_without_the_field_is_an_error_unless_ignorable()
    {
        var request = Protocol.Messages.Produce.ProduceMessages.Request;
        var value = request.Create();
        value.SetString("TransactionalId", "tx"); // v3+, not ignorable
        var error = Assert.Throws<UnsupportedVersionException>(() => MessageCodec.Encode(request, 2, value));
        Assert.Contains("TransactionalId", error.Message, StringComparison.Ordinal);

        var response = Protocol.Messages.Produce.ProduceMessages.Response;
        var ignorable = response.Create();
        ignorable.SetInt32("ThrottleTimeMs", 100); // v1+, ignorable: silently dropped at v0
        Assert.Equal(4, MessageCodec.Encode(response, 0, ignorable).Length);
    }

    [Fact]
    public void Null_in_a_non_nullable_version_is_an_error()
    {
        var request = Protocol.Messages.Metadata.MetadataMessages.Request;
        var value = request.Create();
        value.SetStructs("Topics", null); // nullable from v1
        Assert.Throws<ProtocolException>(() => MessageCodec.Encode(request, 0, value));
        Assert.Equal([255, 255, 255, 255], MessageCodec.Encode(request, 1, value));
    }

    [Fact]
    public void Large_records_are_referenced_not_copied()
    {
        var schema = Protocol.Messages.Fetch.FetchMessages.Response;
        var records = new byte[10_000];
        new Random(3).NextBytes(records);
        var response = schema.Create();
        var partition = response.AddStruct("Responses").AddStruct("Partitions");
        partition.SetRecords("Records", records);

        using var writer = new ProtocolWriter(spliceThreshold: 4096);
        KafkaFrames.WriteResponse(writer, ApiKey.Fetch, 12, 7, response);
        var segments = new List<ReadOnlyMemory<byte>>();
        writer.GetSegments(segments);

        Assert.Contains(segments, s => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s, out var a) && a.Array == records);
        Assert.True(writer.BufferedLength < 200);
        byte[] frame = writer.ToArray();
        var body = KafkaFrames.DecodeResponse(frame.AsMemory(4), ApiKey.Fetch, 12, out int correlationId);
        Assert.Equal(7, correlationId);
        Assert.Equal(frame.Length - 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame));
        Assert.True(records.AsSpan().SequenceEqual(body.GetStructs("Responses")![0].GetStructs("Partitions")![0].GetRecords("Records")!.Value.Span));
    }

    [Fact]
    public void Decoded_records_are_slices_of_the_frame()
    {
        byte[] frame = Samples.RequestFrame(ApiKey.Produce, 9);
        var request = KafkaFrames.DecodeRequest(frame);
        var records = request.Body.GetStructs("TopicData")![0].GetStructs("PartitionData")![0].GetRecords("Records")!.Value;
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records, out var segment));
        Assert.Same(frame, segment.Array);
    }
}
