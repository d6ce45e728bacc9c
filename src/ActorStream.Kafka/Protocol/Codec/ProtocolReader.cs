using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using ActorStream.Records;

namespace ActorStream.Kafka.Protocol.Codec;

/// <summary>
/// Bounds-checked big-endian reader over one frame. Every length and count is checked against the bytes that
/// remain before anything is allocated; bytes and records come back as slices of the source memory.
/// </summary>
public ref struct ProtocolReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public ProtocolReader(ReadOnlyMemory<byte> source)
    {
        _memory = source;
        _span = source.Span;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
            throw Truncated(count);
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    private readonly ProtocolException Truncated(int wanted)
        => new($"Needed {wanted} bytes but only {Remaining} remain.", _position);

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public (long High, long Low) ReadUuid()
    {
        var bytes = Take(16);
        return (BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
    }

    public uint ReadUnsignedVarint()
    {
        if (!Varint.TryReadUnsignedVarint(_span[_position..], out uint value, out int read))
            throw new ProtocolException(Remaining < Varint.MaxVarintBytes ? "Truncated unsigned varint." : "Unsigned varint longer than 5 bytes.", _position);
        _position += read;
        return value;
    }

    /// <summary>
    /// Reads a length prefix: int16 (strings) or int32 (bytes, arrays) in classic versions, unsigned varint N+1
    /// in flexible ones. Returns -1 for null. Rejects negative lengths other than -1 and lengths past the end.
    /// </summary>
    /// <param name="compact">Flexible-version encoding (unsigned varint N+1).</param>
    /// <param name="shortLength">Classic int16 prefix (strings) rather than int32.</param>
    /// <param name="minElementSize">Smallest encoding of one element, so a count cannot promise more than the bytes left.</param>
    public int ReadLength(bool compact, bool shortLength, int minElementSize)
    {
        int start = _position;
        long length;
        if (compact)
            length = (long)ReadUnsignedVarint() - 1;
        else
            length = shortLength ? ReadInt16() : ReadInt32();
        if (length < -1)
            throw new ProtocolException($"Negative length {length}.", start);
        if (length > 0 && length > Remaining / Math.Max(minElementSize, 1))
            throw new ProtocolException($"Length {length} exceeds the {Remaining} bytes that remain.", start);
        return (int)length;
    }

    public string? ReadString(bool compact, bool nullable)
    {
        int start = _position;
        int length = ReadLength(compact, shortLength: true, 1);
        if (length < 0)
            return nullable ? null : throw new ProtocolException("Null string in a non-nullable field.", start);
        if (!compact && length > short.MaxValue)
            throw new ProtocolException($"String length {length} out of range.", start);
        return length == 0 ? string.Empty : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Bytes or records as a slice of the source (no copy); null when the wire says null.</summary>
    public ReadOnlyMemory<byte>? ReadBytes(bool compact, bool nullable)
    {
        int start = _position;
        int length = ReadLength(compact, shortLength: false, 1);
        if (length < 0)
            return nullable ? null : throw new ProtocolException("Null bytes in a non-nullable field.", start);
        var slice = _memory.Slice(_position, length);
        _position += length;
        return slice;
    }

    public ReadOnlyMemory<byte> ReadRaw(int length)
    {
        if ((uint)length > (uint)Remaining)
            throw Truncated(length);
        var slice = _memory.Slice(_position, length);
        _position += length;
        return slice;
    }

    public void Skip(int count) => Take(count);
}
