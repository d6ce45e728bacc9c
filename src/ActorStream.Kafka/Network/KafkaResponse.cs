using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Network;

/// <summary>
/// A response body for the connection to frame and write. Encoded at the request's API version unless
/// <see cref="ApiVersion"/> says otherwise (ApiVersions answers an unknown version in v0 form). Record fields are
/// written from their memory without being copied into the response buffer (Fetch: see FetchResponseBuilder).
/// </summary>
public sealed class KafkaResponse
{
    public KafkaResponse(ProtocolStruct body, short? apiVersion = null, IDisposable? lease = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
        ApiVersion = apiVersion;
        Lease = lease;
    }

    public ProtocolStruct Body { get; }

    /// <summary>The version to encode with; null means the request's version.</summary>
    public short? ApiVersion { get; }

    /// <summary>
    /// Disposed once the response has been written (or dropped because the connection closed): how a Fetch keeps
    /// the log memory its record slices point into alive until the bytes are on the socket.
    /// </summary>
    public IDisposable? Lease { get; }
}
