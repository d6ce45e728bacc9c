using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>What the listener does with one complete frame, as decided by decoding it.</summary>
internal enum FrameOutcome
{
    /// <summary>Header and body decode: the request goes to the handler.</summary>
    Decoded,

    /// <summary>ApiVersions at a version we do not know: the connection itself answers in v0 form and stays open.</summary>
    UnsupportedApiVersions,

    /// <summary>Header undecodable, unknown API, unsupported version or malformed body: the connection closes.</summary>
    Rejected,
}

/// <summary>
/// The decoding steps of <c>KafkaConnection.Dispatch</c>, in the same order and through the same entry points
/// (<see cref="KafkaFrames.ReadRequestHeader(ReadOnlyMemory{byte}, out int)"/>, catalog lookup, then
/// <see cref="MessageCodec.Decode(Protocol.Schema.MessageSchema, short, ReadOnlyMemory{byte})"/> of the body), so the
/// fuzz exercises exactly what a socket feeds the decoder. <see cref="ProtocolException"/> is the decoder's one
/// documented failure type and is the only exception allowed out; anything else propagates to the caller.
/// </summary>
internal static class ConnectionDecodePath
{
    public static FrameOutcome Decode(ReadOnlyMemory<byte> frame, out RequestHeader? header, out ProtocolException? error)
    {
        header = null;
        error = null;
        RequestHeader decoded;
        int headerLength;
        try
        {
            decoded = KafkaFrames.ReadRequestHeader(frame, out headerLength);
        }
        catch (ProtocolException e)
        {
            error = e;
            return FrameOutcome.Rejected;
        }

        header = decoded;
        var api = ApiCatalog.Find((short)decoded.ApiKey);
        if (api is null)
            return FrameOutcome.Rejected;
        if (!api.IsSupported(decoded.ApiVersion))
            return api.Key == ApiKey.ApiVersions ? FrameOutcome.UnsupportedApiVersions : FrameOutcome.Rejected;

        try
        {
            MessageCodec.Decode(api.Request, decoded.ApiVersion, frame[headerLength..]);
            return FrameOutcome.Decoded;
        }
        catch (ProtocolException e)
        {
            error = e;
            return FrameOutcome.Rejected;
        }
    }
}
