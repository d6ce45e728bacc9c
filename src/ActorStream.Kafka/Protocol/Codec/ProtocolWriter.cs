using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using ActorStream.Records;

namespace ActorStream.Kafka.Protocol.Codec;

/// <summary>
/// Big-endian writer into a growable buffer rented from the shared pool. Record sets at least
/// <see cref="SpliceThreshold"/> bytes long are not copied: the writer remembers them as separate segments between
/// the bytes it owns, so a Fetch response can be handed to a gathering socket write (see <see cref="GetSegments"/>)
/// straight from the log's memory. Dispose returns the buffer; segments must not outlive the writer.
/// </summary>
public sealed class ProtocolWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;
    private List<(int Offset, ReadOnlyMemory<byte> Data)>? _splices;
    private long _splicedBytes;

    public ProtocolWriter(int initialCapacity = 512, int spliceThreshold = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
        SpliceThreshold = spliceThreshold;
    }

    /// <summary>Record sets of at least this many bytes are referenced rather than copied; int.MaxValue copies all.</summary>
    public int SpliceThreshold { get; }

    /// <summary>Total encoded length: owned bytes plus referenced record sets.</summary>
    public long Length => _length + _splicedBytes;

    /// <summary>Bytes the writer owns (everything except referenced record sets).</summary>
    public int BufferedLength => _length;

    public void Reset()
    {
        _length = 0;
        _splices?.Clear();
        _splicedBytes = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Grow(int count)
    {
        if (_buffer.Length - _length < count)
            Expand(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Expand(int count)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        long wanted = Math.Max((long)_length + count, (long)_buffer.Length * 2);
        if ((long)_length + count > Array.MaxLength)
            throw new ProtocolException("Encoded message would exceed the largest possible buffer.");
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void WriteInt8(sbyte value) => Grow(1)[0] = (byte)value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Grow(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Grow(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Grow(8), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Grow(8), value);

    public void WriteBool(bool value) => Grow(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteUuid(long high, long low)
    {
        var span = Grow(16);
        BinaryPrimitives.WriteInt64BigEndian(span, high);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], low);
    }

    public void WriteUnsignedVarint(uint value)
    {
        if (_buffer.Length - _length < Varint.MaxVarintBytes)
            Expand(Varint.MaxVarintBytes);
        _length += Varint.WriteUnsignedVarint(_buffer.AsSpan(_length), value);
    }

    /// <summary>Length prefix (-1 = null): compact N+1 varint, or int16/int32.</summary>
    public void WriteLength(int length, bool compact, bool shortLength)
    {
        if (compact)
            WriteUnsignedVarint((uint)(length + 1));
        else if (shortLength)
            WriteInt16(checked((short)length));
        else
            WriteInt32(length);
    }

    public void WriteString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, shortLength: true);
            return;
        }

        int byteCount = Encoding.UTF8.GetByteCount(value);
        if (!compact && byteCount > short.MaxValue)
            throw new ProtocolException($"String of {byteCount} bytes is too long for an int16 length.");
        WriteLength(byteCount, compact, shortLength: true);
        Encoding.UTF8.GetBytes(value, Grow(byteCount));
    }

    public void WriteBytes(ReadOnlyMemory<byte>? value, bool compact, bool splice = false)
    {
        if (!value.HasValue)
        {
            WriteLength(-1, compact, shortLength: false);
            return;
        }

        var bytes = value.GetValueOrDefault();
        WriteLength(bytes.Length, compact, shortLength: false);
        if (splice && bytes.Length >= SpliceThreshold)
        {
            (_splices ??= []).Add((_length, bytes));
            _splicedBytes += bytes.Length;
        }
        else
        {
            bytes.Span.CopyTo(Grow(bytes.Length));
        }
    }

    /// <summary>
    /// Inserts a varint at <paramref name="position"/>, moving what follows: how a tagged field gets its size
    /// prefix without a separate sizing pass. Only valid when nothing after the position was referenced.
    /// </summary>
    internal void InsertUnsignedVarint(int position, uint value)
    {
        int width = Varint.SizeOfUnsignedVarint(value);
        int tail = _length - position;
        Grow(width);
        _buffer.AsSpan(position, tail).CopyTo(_buffer.AsSpan(position + width));
        Varint.WriteUnsignedVarint(_buffer.AsSpan(position, width), value);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    /// <summary>Reserves a 4-byte size prefix and returns its position for <see cref="EndFrame"/>.</summary>
    public int BeginFrame()
    {
        int position = _length;
        Grow(4);
        return position;
    }

    /// <summary>Fills the size prefix reserved at <paramref name="framePosition"/> with the bytes written since.</summary>
    public void EndFrame(int framePosition)
    {
        long size = _length - framePosition - 4;
        if (_splices is not null)
        {
            foreach (var (offset, data) in _splices)
            {
                if (offset > framePosition)
                    size += data.Length;
            }
        }

        if (size > int.MaxValue)
            throw new ProtocolException($"Frame of {size} bytes is too large.");
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(framePosition, 4), (int)size);
    }

    /// <summary>The encoded bytes in order: owned runs interleaved with referenced record sets.</summary>
    public void GetSegments(ICollection<ReadOnlyMemory<byte>> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        int start = 0;
        if (_splices is not null)
        {
            foreach (var (offset, data) in _splices)
            {
                if (offset > start)
                    segments.Add(_buffer.AsMemory(start, offset - start));
                segments.Add(data);
                start = offset;
            }
        }

        if (_length > start)
            segments.Add(_buffer.AsMemory(start, _length - start));
    }

    public void CopyTo(Span<byte> destination)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        GetSegments(segments);
        foreach (var segment in segments)
        {
            segment.Span.CopyTo(destination);
            destination = destination[segment.Length..];
        }
    }

    public byte[] ToArray()
    {
        var result = new byte[checked((int)Length)];
        CopyTo(result);
        return result;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Reset();
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
