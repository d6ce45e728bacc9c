using System.Text;

namespace ActorStream.Records;

/// <summary>
/// One decoded record: a view over the batch (or inflated) bytes. Key and value are spans into those bytes;
/// null and empty are told apart by <see cref="IsKeyNull"/> / <see cref="IsValueNull"/>.
/// </summary>
public readonly ref struct Record
{
    private readonly ReadOnlySpan<byte> _key;
    private readonly ReadOnlySpan<byte> _value;
    private readonly ReadOnlySpan<byte> _headers;

    internal Record(
        long offset,
        long timestamp,
        int offsetDelta,
        long timestampDelta,
        byte attributes,
        int sequence,
        int sizeInBytes,
        ReadOnlySpan<byte> key,
        bool keyIsNull,
        ReadOnlySpan<byte> value,
        bool valueIsNull,
        ReadOnlySpan<byte> headers,
        int headerCount)
    {
        Offset = offset;
        Timestamp = timestamp;
        OffsetDelta = offsetDelta;
        TimestampDelta = timestampDelta;
        Attributes = attributes;
        Sequence = sequence;
        SizeInBytes = sizeInBytes;
        _key = key;
        IsKeyNull = keyIsNull;
        _value = value;
        IsValueNull = valueIsNull;
        _headers = headers;
        HeaderCount = headerCount;
    }

    public long Offset { get; }

    /// <summary>Create time, or the batch's max timestamp when the batch is LogAppendTime (as Kafka reports it).</summary>
    public long Timestamp { get; }

    public int OffsetDelta { get; }

    public long TimestampDelta { get; }

    /// <summary>Record attributes byte; unused by Kafka so far.</summary>
    public byte Attributes { get; }

    /// <summary>Producer sequence of this record, or -1 for a batch without sequences.</summary>
    public int Sequence { get; }

    /// <summary>Encoded size, including the length varint.</summary>
    public int SizeInBytes { get; }

    public ReadOnlySpan<byte> Key => _key;

    public bool IsKeyNull { get; }

    public ReadOnlySpan<byte> Value => _value;

    public bool IsValueNull { get; }

    public int HeaderCount { get; }

    public HeaderEnumerator Headers => new(_headers, HeaderCount);

    public byte[]? KeyToArray() => IsKeyNull ? null : _key.ToArray();

    public byte[]? ValueToArray() => IsValueNull ? null : _value.ToArray();

    /// <summary>Walks one record; every length is bounds-checked here so views handed out are always in range.</summary>
    internal static bool TryRead(
        ReadOnlySpan<byte> data,
        scoped in BatchContext batch,
        out Record record,
        out int consumed,
        out string? error,
        out int errorPosition)
    {
        record = default;
        consumed = 0;
        errorPosition = 0;
        if (!Varint.TryReadVarint(data, out int length, out int pos))
        {
            error = "truncated or invalid record length varint";
            return false;
        }

        if (length < 1 || length > data.Length - pos)
        {
            error = $"record length {length} out of range ({data.Length - pos} bytes left in the batch)";
            return false;
        }

        var body = data.Slice(pos, length);
        int bodyStart = pos;
        int p = 0;
        byte attributes = body[p++];

        if (!Varint.TryReadVarlong(body[p..], out long timestampDelta, out int n))
            return Fail("bad timestamp delta", bodyStart + p, out error, out errorPosition);
        p += n;

        if (!Varint.TryReadVarint(body[p..], out int offsetDelta, out n))
            return Fail("bad offset delta", bodyStart + p, out error, out errorPosition);
        p += n;

        if (!TryReadBytes(body, ref p, out var key, out bool keyIsNull))
            return Fail("key length out of range", bodyStart + p, out error, out errorPosition);

        if (!TryReadBytes(body, ref p, out var value, out bool valueIsNull))
            return Fail("value length out of range", bodyStart + p, out error, out errorPosition);

        if (!Varint.TryReadVarint(body[p..], out int headerCount, out n) || headerCount < 0)
            return Fail("bad header count", bodyStart + p, out error, out errorPosition);
        p += n;

        int headersStart = p;
        for (int i = 0; i < headerCount; i++)
        {
            if (!Varint.TryReadVarint(body[p..], out int keyLength, out n) || keyLength < 0 || keyLength > body.Length - p - n)
                return Fail($"header {i} key length out of range", bodyStart + p, out error, out errorPosition);
            p += n + keyLength;

            if (!TryReadBytes(body, ref p, out _, out _))
                return Fail($"header {i} value length out of range", bodyStart + p, out error, out errorPosition);
        }

        if (p != body.Length)
            return Fail($"record declares {length} bytes but its fields take {p}", bodyStart + p, out error, out errorPosition);

        int sequence = batch.BaseSequence == RecordBatchLayout.NoSequence
            ? RecordBatchLayout.NoSequence
            : RecordBatch.IncrementSequence(batch.BaseSequence, offsetDelta);
        long timestamp = batch.LogAppendTime ?? batch.BaseTimestamp + timestampDelta;

        record = new Record(
            batch.BaseOffset + offsetDelta,
            timestamp,
            offsetDelta,
            timestampDelta,
            attributes,
            sequence,
            pos + length,
            key,
            keyIsNull,
            value,
            valueIsNull,
            body[headersStart..p],
            headerCount);
        consumed = pos + length;
        error = null;
        return true;
    }

    private static bool Fail(string message, int position, out string? error, out int errorPosition)
    {
        error = message;
        errorPosition = position;
        return false;
    }

    // Kafka treats any negative length as null for keys, values and header values.
    internal static bool TryReadBytes(ReadOnlySpan<byte> body, scoped ref int p, out ReadOnlySpan<byte> bytes, out bool isNull)
    {
        bytes = default;
        isNull = false;
        if (!Varint.TryReadVarint(body[p..], out int length, out int n))
            return false;

        if (length < 0)
        {
            isNull = true;
            p += n;
            return true;
        }

        if (length > body.Length - p - n)
            return false;

        bytes = body.Slice(p + n, length);
        p += n + length;
        return true;
    }
}

/// <summary>One header of a decoded record.</summary>
public readonly ref struct Header
{
    private readonly ReadOnlySpan<byte> _key;
    private readonly ReadOnlySpan<byte> _value;

    internal Header(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        _key = key;
        _value = value;
        IsValueNull = valueIsNull;
    }

    /// <summary>The key's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Key => _key;

    public ReadOnlySpan<byte> Value => _value;

    public bool IsValueNull { get; }

    /// <summary>Allocates the key string; compare <see cref="Key"/> with UTF-8 literals on hot paths instead.</summary>
    public string GetKeyString() => Encoding.UTF8.GetString(_key);

    public byte[]? ValueToArray() => IsValueNull ? null : _value.ToArray();
}

/// <summary>Enumerates a record's headers; the bytes were validated when the record was read.</summary>
public ref struct HeaderEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private int _left;

    internal HeaderEnumerator(ReadOnlySpan<byte> headers, int count)
    {
        _remaining = headers;
        _left = count;
        Current = default;
    }

    public Header Current { get; private set; }

    public readonly int Count => _left;

    public readonly HeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_left == 0)
            return false;

        int p = 0;
        int keyLength = Varint.ReadVarint(_remaining, out int n);
        var key = _remaining.Slice(n, keyLength);
        p = n + keyLength;
        if (!Record.TryReadBytes(_remaining, ref p, out var value, out bool isNull))
            throw new CorruptRecordException("header value length out of range", -1);

        Current = new Header(key, value, isNull);
        _remaining = _remaining[p..];
        _left--;
        return true;
    }
}

/// <summary>Batch-wide values every record needs, captured once per enumeration.</summary>
internal readonly struct BatchContext
{
    public BatchContext(long baseOffset, long baseTimestamp, int baseSequence, long? logAppendTime)
    {
        BaseOffset = baseOffset;
        BaseTimestamp = baseTimestamp;
        BaseSequence = baseSequence;
        LogAppendTime = logAppendTime;
    }

    public long BaseOffset { get; }

    public long BaseTimestamp { get; }

    public int BaseSequence { get; }

    public long? LogAppendTime { get; }
}

/// <summary>
/// Enumerates the records of a batch without allocating per record. Dispose it (foreach does) to return the
/// pooled buffer of a compressed batch.
/// </summary>
public ref struct RecordEnumerator
{
    private readonly BatchContext _batch;
    private readonly int _count;
    private readonly int _basePosition;
    private readonly DecompressedRecords? _owner;
    private ReadOnlySpan<byte> _remaining;
    private int _position;
    private int _read;

    internal RecordEnumerator(RecordBatch batch, ReadOnlySpan<byte> records, int basePosition, DecompressedRecords? owner)
    {
        long? logAppendTime = batch.TimestampType == TimestampType.LogAppendTime ? batch.MaxTimestamp : null;
        _batch = new BatchContext(batch.BaseOffset, batch.BaseTimestamp, batch.BaseSequence, logAppendTime);
        _count = batch.RecordCount;
        _remaining = records;
        _basePosition = basePosition;
        _owner = owner;
        _position = 0;
        _read = 0;
        Current = default;
    }

    public Record Current { get; private set; }

    /// <summary>Number of records the batch header declares.</summary>
    public readonly int Count => _count;

    public readonly RecordEnumerator GetEnumerator() => this;

    /// <exception cref="CorruptRecordException">A record is malformed or the record bytes do not match the count.</exception>
    public bool MoveNext()
    {
        if (_read >= _count)
        {
            if (_remaining.Length != 0)
                throw Corrupt($"{_remaining.Length} bytes remain after the {_count} records the header declares", _position);
            return false;
        }

        if (_remaining.IsEmpty)
            throw Corrupt($"records end after {_read} of the {_count} the header declares", _position);

        if (!Record.TryRead(_remaining, _batch, out var record, out int consumed, out string? error, out int errorPosition))
            throw Corrupt($"record {_read}: {error}", _position + errorPosition);

        Current = record;
        _remaining = _remaining[consumed..];
        _position += consumed;
        _read++;
        return true;
    }

    public readonly void Dispose() => _owner?.Dispose();

    private readonly CorruptRecordException Corrupt(string reason, int position)
        => _basePosition >= 0
            ? new CorruptRecordException(reason, _basePosition + position)
            : new CorruptRecordException($"{reason} (at byte {position} of the decompressed records)", RecordBatchLayout.RecordsOffset);
}
