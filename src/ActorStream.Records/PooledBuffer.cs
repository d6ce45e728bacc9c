using System.Buffers;

namespace ActorStream.Records;

/// <summary>A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _length;

    public PooledBuffer(int initialCapacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int Length => _length;

    /// <summary>The most bytes this buffer will hold; writing past it throws <see cref="InvalidOperationException"/> (decompression bombs stop here).</summary>
    public int Limit { get; init; } = Array.MaxLength;

    public Span<byte> WrittenSpan => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Reserves <paramref name="count"/> bytes at the end and returns them.</summary>
    public Span<byte> Grow(int count)
    {
        if (count > Limit - _length)
            throw LimitExceeded();
        EnsureCapacity(count);
        var span = _array.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_array.Length - _length))
            throw new ArgumentOutOfRangeException(nameof(count));
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int room = Limit - _length;
        if (room <= 0)
            throw LimitExceeded();
        EnsureCapacity(Math.Min(Math.Max(sizeHint, 1), room));
        return _array.AsSpan(_length, Math.Min(_array.Length - _length, room));
    }

    public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    /// <summary>Hands the written bytes and the rented array to a <see cref="DecompressedRecords"/>; this buffer is then empty and unusable.</summary>
    public DecompressedRecords Detach()
    {
        var detached = new DecompressedRecords(_array, _length);
        _array = [];
        _length = 0;
        return detached;
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
            ArrayPool<byte>.Shared.Return(array);
    }

    private InvalidOperationException LimitExceeded() => new($"more than the limit of {Limit} bytes");

    private void EnsureCapacity(int count)
    {
        ObjectDisposedException.ThrowIf(_array.Length == 0, this);
        if (_array.Length - _length >= count)
            return;

        long wanted = Math.Max((long)_length + count, (long)_array.Length * 2);
        if ((long)_length + count > Array.MaxLength)
            throw new InvalidOperationException("Record batch would exceed the largest possible array.");
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
        _array.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}

/// <summary>Write-only stream over a <see cref="PooledBuffer"/>, the sink for compressor streams.</summary>
internal sealed class PooledBufferStream : Stream
{
    private readonly PooledBuffer _buffer;

    public PooledBufferStream(PooledBuffer buffer) => _buffer = buffer;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _buffer.Length;

    public override long Position
    {
        get => _buffer.Length;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

    public override void WriteByte(byte value) => _buffer.Grow(1)[0] = value;
}

/// <summary>Inflated record bytes of one compressed batch; returns its array to the pool once.</summary>
internal sealed class DecompressedRecords : IDisposable
{
    private byte[]? _array;
    private readonly int _length;

    public DecompressedRecords(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    public ReadOnlySpan<byte> Span => _array is null ? throw new ObjectDisposedException(nameof(DecompressedRecords)) : _array.AsSpan(0, _length);

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            ArrayPool<byte>.Shared.Return(array);
    }
}
