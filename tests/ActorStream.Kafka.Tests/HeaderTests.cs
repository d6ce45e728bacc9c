using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Tests;

public class HeaderTests
{
    [Theory]
    [InlineData(ApiKey.Produce, 8, 1, 0)]
    [InlineData(ApiKey.Produce, 9, 2, 1)]
    [InlineData(ApiKey.Fetch, 11, 1, 0)]
    [InlineData(ApiKey.Fetch, 12, 2, 1)]
    [InlineData(ApiKey.Metadata, 8, 1, 0)]
    [InlineData(ApiKey.Metadata, 9, 2, 1)]
    [InlineData(ApiKey.ApiVersions, 0, 1, 0)]
    [InlineData(ApiKey.ApiVersions, 2, 1, 0)]
    [InlineData(ApiKey.ApiVersions, 3, 2, 0)]
    [InlineData(ApiKey.ApiVersions, 4, 2, 0)]
    [InlineData(ApiKey.DescribeCluster, 0, 2, 1)]
    [InlineData(ApiKey.OffsetDelete, 0, 1, 0)]
    [InlineData(ApiKey.CreateTopics, 4, 1, 0)]
    [InlineData(ApiKey.CreateTopics, 5, 2, 1)]
    public void Header_versions_follow_flexible_versions(ApiKey key, short version, short requestHeader, short responseHeader)
    {
        Assert.Equal(requestHeader, ApiCatalog.RequestHeaderVersion(key, version));
        Assert.Equal(responseHeader, ApiCatalog.ResponseHeaderVersion(key, version));
    }

    [Fact]
    public void ApiVersions_v3_response_has_a_v0_header()
    {
        var body = ApiCatalog.Get(ApiKey.ApiVersions).Response.Create();
        using var writer = new ProtocolWriter();
        KafkaFrames.WriteResponse(writer, ApiKey.ApiVersions, 3, 0x01020304, body);
        byte[] frame = writer.ToArray();
        // size, correlation id, then straight into the body (error code), no tagged-field byte after the id.
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0, 0 }, frame[4..10]);
        Assert.Equal(frame.Length - 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame));
        KafkaFrames.DecodeResponse(frame.AsMemory(4), ApiKey.ApiVersions, 3, out int correlationId);
        Assert.Equal(0x01020304, correlationId);
    }

    [Fact]
    public void Flexible_response_header_carries_a_tagged_section()
    {
        using var writer = new ProtocolWriter();
        KafkaFrames.WriteResponse(writer, ApiKey.Metadata, 9, 5, ApiCatalog.Get(ApiKey.Metadata).Response.Create());
        Assert.Equal(new byte[] { 0, 0, 0, 5, 0 }, writer.ToArray()[4..9]);
    }

    [Fact]
    public void Catalog_is_derived_from_descriptions()
    {
        var produce = ApiCatalog.Get(ApiKey.Produce);
        Assert.Equal(("Produce", 0, 11, 9), (produce.Name, (int)produce.MinVersion, (int)produce.MaxVersion, (int)produce.FlexibleFrom));
        Assert.Equal(-1, ApiCatalog.Get(ApiKey.OffsetDelete).FlexibleFrom);
        Assert.Equal(24, ApiCatalog.All.Count);
        Assert.Null(ApiCatalog.Find(999));
    }

    [Fact]
    public void Request_header_v0_1_2_layouts()
    {
        // v1: ClientId nullable int16 string; v2 adds the tagged section but keeps ClientId non-compact.
        byte[] v1 = Samples.RequestFrame(ApiKey.Metadata, 8);
        Assert.Equal(new byte[] { 0, 3, 0, 8, 0, 0, 0, 42, 0, 8 }, v1[..10]);
        byte[] v2 = Samples.RequestFrame(ApiKey.Metadata, 9);
        Assert.Equal(new byte[] { 0, 3, 0, 9, 0, 0, 0, 42, 0, 8 }, v2[..10]);
        Assert.Equal(0, v2[18]); // empty header tagged section after "client-1"

        var header = KafkaFrames.ReadRequestHeader(v2, out int length);
        Assert.Equal(19, length);
        Assert.Equal("client-1", header.ClientId);

        var nullClient = KafkaFrames.ReadRequestHeader(new byte[] { 0, 3, 0, 1, 0, 0, 0, 9, 255, 255 }, out _);
        Assert.Null(nullClient.ClientId);
    }
}
