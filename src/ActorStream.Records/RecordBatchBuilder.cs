using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using static ActorStream.Records.RecordBatchLayout;

namespace ActorStream.Records;

/// <summary>
/// Writes records into a pooled buffer and finishes them as one RecordBatch v2 with correct length, counts,
/// timestamps and CRC. Appending does not allocate; the builder can be <see cref="Reset"/> and reused.
/// Not thread-safe.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBuffer _buffer;
    private PooledBuffer? _compressed;
    private RecordBatchOptions _options;
    private int _count;
    private List<RecordHeader>? _headerScratch;
    private int _lastOffsetDelta;
    private long _baseTimestamp;
    private long _maxTimestamp;
    private bool _built;
    private bool _disposed;

    public RecordBatchBuilder(RecordBatchOptions? options = null, int initialCapacity = 1024)
    {
        _buffer = new PooledBuffer(Math.Max(initialCapacity, HeaderSize));
        _options = RecordBatchOptions.Default;
        Reset(options);
    }

    public RecordBatchOptions Options => _options;

    public int RecordCount => _count;

    /// <summary>Uncompressed size of the batch so far (header plus records).</summary>
    public int UncompressedSizeInBytes => _buffer.Length;

    /// <summary>Starts a new empty batch, keeping the pooled buffers.</summary>
    public void Reset(RecordBatchOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= RecordBatchOptions.Default;
        RecordCompression.ThrowIfUnsupported(options.Compression);
        if (options.TimestampType == TimestampType.LogAppendTime && options.LogAppendTime < 0)
            throw new ArgumentException("LogAppendTime batches need a non-negative LogAppendTime.", nameof(options));

        _options = options;
        _buffer.Clear();
        _buffer.Grow(HeaderSize);
        _compressed?.Clear();
        _count = 0;
        _lastOffsetDelta = -1;
        _baseTimestamp = options.DeleteHorizonMs ?? NoTimestamp;
        _maxTimestamp = NoTimestamp;
        _built = false;
    }

    /// <summary>
    /// Starts a batch with the header of <paramref name="batch"/> (base offset, leader epoch, timestamp type and
    /// append time, producer id, epoch and sequence, transactional flag, delete horizon) in
    /// <paramref name="compression"/>: for rewriting a batch (compaction, a topic's compression.type) with
    /// <see cref="AppendCopy"/>. <paramref name="deleteHorizonMs"/> sets a delete horizon (KIP-534) the batch lacks.
    /// </summary>
    public void ResetLike(RecordBatch batch, CompressionType compression, long? deleteHorizonMs = null) => Reset(new RecordBatchOptions
    {
        DeleteHorizonMs = deleteHorizonMs ?? (batch.HasDeleteHorizon ? batch.DeleteHorizonMs : null),
        BaseOffset = batch.BaseOffset,
        PartitionLeaderEpoch = batch.PartitionLeaderEpoch,
        Compression = compression,
        TimestampType = batch.TimestampType,
        LogAppendTime = batch.TimestampType == TimestampType.LogAppendTime ? batch.MaxTimestamp : NoTimestamp,
        ProducerId = batch.ProducerId,
        ProducerEpoch = batch.ProducerEpoch,
        BaseSequence = batch.BaseSequence,
        IsTransactional = batch.IsTransactional,
    });

    /// <summary>Appends a record of another batch at its own offset, with its timestamp, key, value and headers.</summary>
    public void AppendCopy(Record record)
    {
        var headers = _headerScratch ??= [];
        headers.Clear();
        foreach (var header in record.Headers)
            headers.Add(new RecordHeader(header.GetKeyString(), header.ValueToArray()));
        AppendWithOffset(
            record.Offset,
            record.Timestamp,
            record.IsKeyNull ? NullableBytes.Null : new NullableBytes(record.Key),
            record.IsValueNull ? NullableBytes.Null : new NullableBytes(record.Value),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(headers));
    }

    /// <summary>The same batch (offsets, producer fields, records) in another codec; the input when it is already in it.</summary>
    public static byte[] Recompress(ReadOnlySpan<byte> batchBytes, CompressionType compression)
    {
        var batch = new RecordBatch(batchBytes);
        if (batch.Compression == compression || batch.IsControl)
            return batchBytes.ToArray();
        using var builder = new RecordBatchBuilder(new RecordBatchOptions(), Math.Max(batchBytes.Length * 2, 256));
        builder.ResetLike(batch, compression);
        foreach (var record in batch.GetRecords())
            builder.AppendCopy(record);
        return builder.ToArray();
    }

    /// <summary>Appends a record at the next offset (base offset + record index).</summary>
    public void Append(long timestamp, NullableBytes key, NullableBytes value, ReadOnlySpan<RecordHeader> headers = default)
        => AppendAtDelta(_lastOffsetDelta + 1, timestamp, key, value, headers);

    /// <summary>Appends a record at an explicit offset, as compaction does to keep the original offsets.</summary>
    public void AppendWithOffset(long offset, long timestamp, NullableBytes key, NullableBytes value, ReadOnlySpan<RecordHeader> headers = default)
    {
        long delta = offset - _options.BaseOffset;
        if (delta <= _lastOffsetDelta || delta > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "Offsets must increase and stay within int range of the base offset.");
        AppendAtDelta((int)delta, timestamp, key, value, headers);
    }

    private void AppendAtDelta(int offsetDelta, long timestamp, NullableBytes key, NullableBytes value, ReadOnlySpan<RecordHeader> headers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_built)
            throw new InvalidOperationException("The batch is already built; Reset before appending again.");
        if (timestamp < 0 && timestamp != NoTimestamp)
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "Timestamps must be non-negative or -1.");

        if (_count == 0 && _options.DeleteHorizonMs is null)
            _baseTimestamp = timestamp;
        long timestampDelta = timestamp - _baseTimestamp;

        int bodySize = 1
            + Varint.SizeOfVarlong(timestampDelta)
            + Varint.SizeOfVarint(offsetDelta)
            + SizeOfBytes(key)
            + SizeOfBytes(value)
            + Varint.SizeOfVarint(headers.Length);
        foreach (ref readonly var header in headers)
        {
            int keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            bodySize += Varint.SizeOfVarint(keyBytes) + keyBytes
                + (header.IsValueNull ? 1 : Varint.SizeOfVarint(header.Value.Length) + header.Value.Length);
        }

        var span = _buffer.Grow(Varint.SizeOfVarint(bodySize) + bodySize);
        int p = Varint.WriteVarint(span, bodySize);
        span[p++] = 0; // record attributes: unused
        p += Varint.WriteVarlong(span[p..], timestampDelta);
        p += Varint.WriteVarint(span[p..], offsetDelta);
        p += WriteBytes(span[p..], key);
        p += WriteBytes(span[p..], value);
        p += Varint.WriteVarint(span[p..], headers.Length);
        foreach (ref readonly var header in headers)
        {
            int keyBytes = Encoding.UTF8.GetByteCount(header.Key);
            p += Varint.WriteVarint(span[p..], keyBytes);
            p += Encoding.UTF8.GetBytes(header.Key, span[p..]);
            if (header.IsValueNull)
            {
                p += Varint.WriteVarint(span[p..], -1);
            }
            else
            {
                p += Varint.WriteVarint(span[p..], header.Value.Length);
                header.Value.Span.CopyTo(span[p..]);
                p += header.Value.Length;
            }
        }

        _count++;
        _lastOffsetDelta = offsetDelta;
        if (timestamp > _maxTimestamp)
            _maxTimestamp = timestamp;
    }

    /// <summary>
    /// Finishes the batch (compressing it if asked) and returns its bytes. The memory belongs to the builder and
    /// stays valid until <see cref="Reset"/> or <see cref="Dispose"/>; calling Build again returns the same bytes.
    /// </summary>
    public ReadOnlyMemory<byte> Build()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_built)
            return Result.WrittenMemory;

        var target = _buffer;
        if (_options.Compression != CompressionType.None)
        {
            _compressed ??= new PooledBuffer(_buffer.Length);
            _compressed.Clear();
            _compressed.Grow(HeaderSize);
            RecordCompression.Compress(_options.Compression, _buffer.WrittenSpan[HeaderSize..], _compressed);
            target = _compressed;
        }

        WriteHeader(target.WrittenSpan);
        _built = true;
        return target.WrittenMemory;
    }

    /// <summary>Builds and copies the batch into <paramref name="writer"/>; returns the bytes written.</summary>
    public int WriteTo(IBufferWriter<byte> writer)
    {
        var bytes = Build().Span;
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
        return bytes.Length;
    }

    public byte[] ToArray() => Build().ToArray();

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _buffer.Dispose();
        _compressed?.Dispose();
    }

    private PooledBuffer Result => _options.Compression == CompressionType.None ? _buffer : _compressed!;

    private void WriteHeader(Span<byte> batch)
    {
        var o = _options;
        int attributes = (int)o.Compression;
        if (o.TimestampType == TimestampType.LogAppendTime)
            attributes |= TimestampTypeMask;
        if (o.IsTransactional)
            attributes |= TransactionalMask;
        if (o.IsControl)
            attributes |= ControlMask;
        if (o.DeleteHorizonMs is not null)
            attributes |= DeleteHorizonMask;

        long maxTimestamp = o.TimestampType == TimestampType.LogAppendTime ? o.LogAppendTime : _maxTimestamp;

        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], o.BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[LengthOffset..], batch.Length - LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], o.PartitionLeaderEpoch);
        batch[MagicOffset] = CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], (short)attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[LastOffsetDeltaOffset..], Math.Max(_lastOffsetDelta, 0));
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseTimestampOffset..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[ProducerIdOffset..], o.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[ProducerEpochOffset..], o.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[BaseSequenceOffset..], o.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordsCountOffset..], _count);
        // The CRC goes last: it covers every byte from the attributes on.
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], Crc32C.Compute(batch[AttributesOffset..]));
    }

    private static int SizeOfBytes(NullableBytes bytes)
        => bytes.IsNull ? 1 : Varint.SizeOfVarint(bytes.Span.Length) + bytes.Span.Length;

    private static int WriteBytes(Span<byte> destination, NullableBytes bytes)
    {
        if (bytes.IsNull)
            return Varint.WriteVarint(destination, -1);

        int n = Varint.WriteVarint(destination, bytes.Span.Length);
        bytes.Span.CopyTo(destination[n..]);
        return n + bytes.Span.Length;
    }
}
