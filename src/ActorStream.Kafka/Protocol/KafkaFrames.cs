using System.Buffers.Binary;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Headers;

namespace ActorStream.Kafka.Protocol;

/// <summary>A request frame split into its header and its decoded body. The body may reference the frame's memory.</summary>
public readonly record struct DecodedRequest(RequestHeader Header, ProtocolStruct Body);

/// <summary>
/// Frame-level helpers: the 4-byte big-endian size prefix, and header + body of a frame (the bytes after the prefix).
/// Headers use the same descriptions and codec as bodies; the version of each follows from (API key, API version).
/// </summary>
public static class KafkaFrames
{
    public const int SizePrefixLength = 4;

    /// <summary>Kafka's socket.request.max.bytes default.</summary>
    public const int DefaultMaxFrameSize = 100 * 1024 * 1024;

    private static readonly int ApiKeyField = HeaderMessages.RequestHeader.Body.IndexOf("RequestApiKey");
    private static readonly int ApiVersionField = HeaderMessages.RequestHeader.Body.IndexOf("RequestApiVersion");
    private static readonly int RequestCorrelationField = HeaderMessages.RequestHeader.Body.IndexOf("CorrelationId");
    private static readonly int ClientIdField = HeaderMessages.RequestHeader.Body.IndexOf("ClientId");
    private static readonly int ResponseCorrelationField = HeaderMessages.ResponseHeader.Body.IndexOf("CorrelationId");

    /// <summary>
    /// Reads the size prefix. False when fewer than four bytes are buffered; <paramref name="frameLength"/> is the
    /// length after the prefix. A negative or oversized length is a protocol error (close the connection).
    /// </summary>
    public static bool TryReadFrameLength(ReadOnlySpan<byte> buffer, out int frameLength, int maxFrameSize = DefaultMaxFrameSize)
    {
        if (buffer.Length < SizePrefixLength)
        {
            frameLength = 0;
            return false;
        }

        frameLength = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (frameLength < 0 || frameLength > maxFrameSize)
            throw new ProtocolException($"Frame size {frameLength} outside 0..{maxFrameSize}.", 0);
        return true;
    }

    /// <summary>The frame after the size prefix, if the buffer holds it whole; null when more bytes are needed.</summary>
    public static ReadOnlyMemory<byte>? TrySliceFrame(ReadOnlyMemory<byte> buffer, int maxFrameSize = DefaultMaxFrameSize)
    {
        if (!TryReadFrameLength(buffer.Span, out int length, maxFrameSize) || buffer.Length - SizePrefixLength < length)
            return null;
        return buffer.Slice(SizePrefixLength, length);
    }

    /// <summary>
    /// Reads only the request header, so a listener can answer even requests whose body it cannot decode
    /// (an unsupported ApiVersions version is answered with v0 and UNSUPPORTED_VERSION).
    /// </summary>
    public static RequestHeader ReadRequestHeader(ReadOnlyMemory<byte> frame, out int headerLength)
    {
        var reader = new ProtocolReader(frame);
        var header = ReadRequestHeader(ref reader);
        headerLength = reader.Position;
        return header;
    }

    private static RequestHeader ReadRequestHeader(ref ProtocolReader reader)
    {
        if (reader.Remaining < 4)
            throw new ProtocolException("Frame too short for a request header.", 0);
        var start = reader; // a copy: peeking does not move the caller's reader
        short apiKey = start.ReadInt16();
        short apiVersion = start.ReadInt16();
        // An unknown API or version still gets its correlation id read (header v1) so the caller can reply.
        var api = ApiCatalog.Find(apiKey);
        short headerVersion = api is not null && api.IsSupported(apiVersion) ? ApiCatalog.RequestHeaderVersion((ApiKey)apiKey, apiVersion) : (short)1;
        var header = MessageCodec.Decode(HeaderMessages.RequestHeader, headerVersion, ref reader);
        return new RequestHeader(
            (ApiKey)header.GetInt16(ApiKeyField),
            header.GetInt16(ApiVersionField),
            header.GetInt32(RequestCorrelationField),
            header.GetString(ClientIdField));
    }

    /// <summary>Decodes header and body of a request frame (the bytes after the size prefix).</summary>
    public static DecodedRequest DecodeRequest(ReadOnlyMemory<byte> frame)
    {
        var reader = new ProtocolReader(frame);
        var header = ReadRequestHeader(ref reader);
        var api = ApiCatalog.Find((short)header.ApiKey)
            ?? throw new UnsupportedVersionException($"Unknown API key {(short)header.ApiKey}.");
        var body = MessageCodec.Decode(api.Request, header.ApiVersion, ref reader);
        if (reader.Remaining != 0)
            throw new ProtocolException($"{reader.Remaining} unexpected bytes after {api.Request.Name} v{header.ApiVersion}.", reader.Position);
        return new DecodedRequest(header, body);
    }

    /// <summary>Decodes a response frame (after the size prefix) for the API and version the request used.</summary>
    public static ProtocolStruct DecodeResponse(ReadOnlyMemory<byte> frame, ApiKey apiKey, short apiVersion, out int correlationId)
    {
        var api = ApiCatalog.Get(apiKey);
        var reader = new ProtocolReader(frame);
        var header = MessageCodec.Decode(HeaderMessages.ResponseHeader, ApiCatalog.ResponseHeaderVersion(apiKey, apiVersion), ref reader);
        correlationId = header.GetInt32(ResponseCorrelationField);
        var body = MessageCodec.Decode(api.Response, apiVersion, ref reader);
        if (reader.Remaining != 0)
            throw new ProtocolException($"{reader.Remaining} unexpected bytes after {api.Response.Name} v{apiVersion}.", reader.Position);
        return body;
    }

    /// <summary>Writes a size-prefixed request frame.</summary>
    public static void WriteRequest(ProtocolWriter writer, RequestHeader header, ProtocolStruct body)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var api = ApiCatalog.Get(header.ApiKey);
        int frame = writer.BeginFrame();
        var headerStruct = HeaderMessages.RequestHeader.Create();
        headerStruct.SetInt16(ApiKeyField, (short)header.ApiKey);
        headerStruct.SetInt16(ApiVersionField, header.ApiVersion);
        headerStruct.SetInt32(RequestCorrelationField, header.CorrelationId);
        headerStruct.SetString(ClientIdField, header.ClientId);
        MessageCodec.Encode(HeaderMessages.RequestHeader, ApiCatalog.RequestHeaderVersion(header.ApiKey, header.ApiVersion), headerStruct, writer);
        MessageCodec.Encode(api.Request, header.ApiVersion, body, writer);
        writer.EndFrame(frame);
    }

    /// <summary>Writes a size-prefixed response frame; record sets in the body are referenced, not copied (see <see cref="ProtocolWriter"/>).</summary>
    public static void WriteResponse(ProtocolWriter writer, ApiKey apiKey, short apiVersion, int correlationId, ProtocolStruct body)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var api = ApiCatalog.Get(apiKey);
        int frame = writer.BeginFrame();
        // The response header is one int32 (+ an empty tagged section in v1): written directly, no struct needed.
        writer.WriteInt32(correlationId);
        if (ApiCatalog.ResponseHeaderVersion(apiKey, apiVersion) >= 1)
            writer.WriteUnsignedVarint(0);
        MessageCodec.Encode(api.Response, apiVersion, body, writer);
        writer.EndFrame(frame);
    }
}
