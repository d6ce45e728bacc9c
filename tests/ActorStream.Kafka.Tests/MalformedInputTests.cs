using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Metadata;

namespace ActorStream.Kafka.Tests;

public class MalformedInputTests
{
    public static TheoryData<ApiKey, short> Frames() => new()
    {
        { ApiKey.Produce, 3 },
        { ApiKey.Produce, 11 },
        { ApiKey.Fetch, 4 },
        { ApiKey.Fetch, 17 },
        { ApiKey.Metadata, 12 },
        { ApiKey.ApiVersions, 4 },
        { ApiKey.CreateTopics, 7 },
        { ApiKey.OffsetCommit, 9 },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Truncation_at_every_byte_is_a_protocol_exception(ApiKey key, short version)
    {
        byte[] request = Samples.RequestFrame(key, version);
        byte[] response = Samples.ResponseFrame(key, version);
        for (int length = 0; length < request.Length; length++)
            Assert.ThrowsAny<ProtocolException>(() => KafkaFrames.DecodeRequest(request.AsMemory(0, length)));
        for (int length = 0; length < response.Length; length++)
            Assert.ThrowsAny<ProtocolException>(() => KafkaFrames.DecodeResponse(response.AsMemory(0, length), key, version, out _));
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        byte[] frame = [.. Samples.RequestFrame(ApiKey.Metadata, 4), 0];
        Assert.ThrowsAny<ProtocolException>(() => KafkaFrames.DecodeRequest(frame));
    }

    [Theory]
    [InlineData(0x7FFFFFFF)]
    [InlineData(1_000_000)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void Huge_or_negative_array_counts_are_rejected(int count)
    {
        // Metadata v1 request body: the Topics array count, then nothing.
        byte[] body = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body, count);
        var error = Assert.ThrowsAny<ProtocolException>(() => MessageCodec.Decode(MetadataMessages.Request, 1, body));
        Assert.Contains("Topics", error.FieldPath, StringComparison.Ordinal);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Huge_compact_count_is_rejected_without_allocating()
    {
        // Metadata v9: compact array count 0xFFFFFFFF (varint), a 4-billion-element promise in 5 bytes.
        byte[] body = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.ThrowsAny<ProtocolException>(() => MessageCodec.Decode(MetadataMessages.Request, 9, body));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // six-byte varint
    [InlineData(new byte[] { 0x80 })] // ends inside a varint
    [InlineData(new byte[] { 0x80, 0x80, 0x80 })]
    public void Bad_varints_are_rejected(byte[] body)
    {
        var error = Assert.ThrowsAny<ProtocolException>(() => MessageCodec.Decode(MetadataMessages.Request, 12, body));
        Assert.Contains("varint", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Negative_string_length_other_than_minus_one_is_rejected()
    {
        // Metadata v1 request with one topic whose name length is -2.
        byte[] body = [0, 0, 0, 1, 0xFF, 0xFE];
        var error = Assert.ThrowsAny<ProtocolException>(() => MessageCodec.Decode(MetadataMessages.Request, 1, body));
        Assert.Equal("MetadataRequest.Topics[0].Name", error.FieldPath);
        Assert.Equal(4, error.Offset);
        Assert.Contains("offset 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_in_a_non_nullable_string_is_rejected()
    {
        byte[] body = [0, 0, 0, 1, 0xFF, 0xFF];
        Assert.ThrowsAny<ProtocolException>(() => MessageCodec.Decode(MetadataMessages.Request, 1, body));
    }

    [Fact]
    public void Oversized_tagged_field_is_rejected()
    {
        // Metadata v9 request: topics null (0), auto-create false, authorized ops false, then 1 tagged field, tag 0, size 100.
        byte[] body = [0, 0, 0, 1, 0, 100, 1];
        Assert.ThrowsAny<ProtocolException>(() => MessageCodec.Decode(MetadataMessages.Request, 9, body));
    }

    [Fact]
    public void Unsupported_api_and_version_are_reported()
    {
        Assert.Throws<UnsupportedVersionException>(() => KafkaFrames.DecodeRequest(new byte[] { 0x7F, 0, 0, 0, 0, 0, 0, 1, 0, 0 }));
        var error = Assert.Throws<UnsupportedVersionException>(() => KafkaFrames.DecodeRequest(new byte[] { 0, 18, 0, 99, 0, 0, 0, 1, 0, 0 }));
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
        // The header alone still decodes so the listener can answer ApiVersions with UNSUPPORTED_VERSION.
        var header = KafkaFrames.ReadRequestHeader(new byte[] { 0, 18, 0, 99, 0, 0, 0, 1, 0, 0 }, out _);
        Assert.Equal(1, header.CorrelationId);
    }

    [Fact]
    public void Frame_size_prefix_is_checked()
    {
        Assert.False(KafkaFrames.TryReadFrameLength(new byte[] { 0, 0, 1 }, out _));
        Assert.True(KafkaFrames.TryReadFrameLength(new byte[] { 0, 0, 1, 0 }, out int length));
        Assert.Equal(256, length);
        Assert.Throws<ProtocolException>(() => KafkaFrames.TryReadFrameLength(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, out _));
        Assert.Throws<ProtocolException>(() => KafkaFrames.TryReadFrameLength(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF }, out _));
        Assert.Null(KafkaFrames.TrySliceFrame(new byte[] { 0, 0, 0, 5, 1, 2 }));
        Assert.Equal(2, KafkaFrames.TrySliceFrame(new byte[] { 0, 0, 0, 2, 1, 2, 3 })!.Value.Length);
    }
}
