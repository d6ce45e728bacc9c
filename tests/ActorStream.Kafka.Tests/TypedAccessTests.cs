using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Fetch;
using ActorStream.Kafka.Protocol.Messages.Produce;

namespace ActorStream.Kafka.Tests;

public class TypedAccessTests
{
    [Fact]
    public void Produce_request_reader_exposes_records_as_frame_slices()
    {
        byte[] frame = Samples.RequestFrame(ApiKey.Produce, 11);
        var request = new ProduceRequestReader(KafkaFrames.DecodeRequest(frame).Body);

        Assert.Equal(2, request.TopicCount);
        Assert.Equal(2, request.PartitionCount(0));
        Assert.StartsWith("Name-", request.TopicName(0), StringComparison.Ordinal);
        var records = request.Records(0, 1)!.Value;
        Assert.Equal(61, records.Length);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records, out var segment));
        Assert.Same(frame, segment.Array);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(16)]
    public void Fetch_response_builder_round_trips(short version)
    {
        var records = new byte[5000];
        var builder = new FetchResponseBuilder(throttleTimeMs: 5);
        var topic = builder.AddTopic("orders");
        builder.AddPartition(topic, 3, 0, highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, records);

        using var writer = new ProtocolWriter();
        KafkaFrames.WriteResponse(writer, ApiKey.Fetch, version, 1, builder.Response);
        var body = KafkaFrames.DecodeResponse(writer.ToArray().AsMemory(4), ApiKey.Fetch, version, out _);

        var partition = body.GetStructs("Responses")![0].GetStructs("Partitions")![0];
        Assert.Equal(3, partition.GetInt32("PartitionIndex"));
        Assert.Equal(10, partition.GetInt64("HighWatermark"));
        Assert.Equal(5000, partition.GetRecords("Records")!.Value.Length);
    }
}
