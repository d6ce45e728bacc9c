using System.Buffers;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Network;

/// <summary>
/// One decoded request as the connection hands it to <see cref="IKafkaRequestHandler"/>. The body's bytes and
/// record fields are slices of <see cref="Frame"/>, a buffer rented from the shared pool: no copy beyond the one out
/// of the socket's pipe.
/// </summary>
public sealed class KafkaRequest
{
    private byte[]? _buffer;
    private readonly int _length;

    internal KafkaRequest(KafkaConnectionInfo connection, RequestHeader header, ProtocolStruct body, byte[] buffer, int length)
    {
        Connection = connection;
        Header = header;
        Body = body;
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The connection the request came on (for logs, quotas, client identification).</summary>
    public KafkaConnectionInfo Connection { get; }

    public RequestHeader Header { get; }

    public ApiKey ApiKey => Header.ApiKey;

    public short ApiVersion => Header.ApiVersion;

    public int CorrelationId => Header.CorrelationId;

    /// <summary>The decoded body, for <see cref="ApiVersion"/> of <see cref="ApiKey"/>'s request description.</summary>
    public ProtocolStruct Body { get; }

    /// <summary>The request frame (header and body, without the size prefix).</summary>
    public ReadOnlyMemory<byte> Frame
    {
        get
        {
            var buffer = _buffer;
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return buffer.AsMemory(0, _length);
        }
    }

    /// <summary>
    /// Takes ownership of the frame buffer (and so of every slice of <see cref="Body"/>): the connection will not
    /// return it to the pool; the caller disposes the owner when done (e.g. once the log has appended the records).
    /// </summary>
    public IMemoryOwner<byte> DetachFrame()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        ObjectDisposedException.ThrowIf(buffer is null, this);
        return new PooledFrame(buffer, _length);
    }

    /// <summary>Returns the frame buffer to the pool unless a handler detached it.</summary>
    internal void Release()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    private sealed class PooledFrame(byte[] buffer, int length) : IMemoryOwner<byte>
    {
        private byte[]? _buffer = buffer;

        public Memory<byte> Memory
        {
            get
            {
                var current = _buffer;
                ObjectDisposedException.ThrowIf(current is null, this);
                return current.AsMemory(0, length);
            }
        }

        public void Dispose()
        {
            var current = Interlocked.Exchange(ref _buffer, null);
            if (current is not null)
                ArrayPool<byte>.Shared.Return(current);
        }
    }
}

/// <summary>Identity of one client connection.</summary>
public sealed record KafkaConnectionInfo(long Id, System.Net.EndPoint? RemoteEndPoint, System.Net.EndPoint? LocalEndPoint)
{
    public override string ToString() => $"connection {Id} from {RemoteEndPoint}";
}
