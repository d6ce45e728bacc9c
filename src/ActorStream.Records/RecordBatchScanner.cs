namespace ActorStream.Records;

/// <summary>Why a scan stopped before the end of the buffer.</summary>
public enum ScanError
{
    None = 0,

    /// <summary>Fewer bytes left than a batch header: a torn tail.</summary>
    TruncatedHeader,

    /// <summary>The length field points past the end of the buffer: a torn tail (or a corrupt length).</summary>
    TruncatedBatch,

    /// <summary>The length field is below the minimum or above the allowed maximum.</summary>
    InvalidLength,

    InvalidMagic,

    CrcMismatch,
}

/// <summary>Outcome of scanning a buffer of concatenated batches.</summary>
public readonly record struct ScanResult(
    int ValidBytes,
    int BatchCount,
    long FirstOffset,
    long NextOffset,
    ScanError Error,
    int ErrorPosition,
    string? ErrorReason)
{
    /// <summary>The whole buffer is a sequence of good batches.</summary>
    public bool IsComplete => Error == ScanError.None;

    /// <summary>The buffer ends inside a batch: what a crash during append leaves behind.</summary>
    public bool IsTornTail => Error is ScanError.TruncatedHeader or ScanError.TruncatedBatch;
}

/// <summary>
/// Walks a buffer of concatenated batches (a log segment's bytes), yielding each batch and stopping at the
/// first one that is truncated or corrupt. <see cref="ValidBytes"/> is then where recovery truncates, and
/// <see cref="ErrorPosition"/> the first bad byte (magic or length field, CRC field, or the end of a torn tail).
/// Use it with an explicit <c>while (scanner.MoveNext())</c> loop so the error state stays readable afterwards.
/// </summary>
public ref struct RecordBatchScanner
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly bool _validateCrc;
    private readonly int _maxBatchSize;
    private int _next;

    /// <param name="buffer">Concatenated batches.</param>
    /// <param name="validateCrc">Check every batch's CRC (recovery wants this; a trusted read path may skip it).</param>
    /// <param name="maxBatchSize">Length fields above this are corruption rather than a torn tail.</param>
    public RecordBatchScanner(ReadOnlySpan<byte> buffer, bool validateCrc = true, int maxBatchSize = int.MaxValue)
    {
        _buffer = buffer;
        _validateCrc = validateCrc;
        _maxBatchSize = maxBatchSize;
        _next = 0;
        Current = default;
        CurrentPosition = -1;
        Error = ScanError.None;
        ErrorPosition = -1;
        ErrorReason = null;
    }

    public RecordBatch Current { get; private set; }

    /// <summary>Start of <see cref="Current"/> in the buffer.</summary>
    public int CurrentPosition { get; private set; }

    /// <summary>End of the last good batch; the length of the buffer's trustworthy prefix.</summary>
    public readonly int ValidBytes => _next;

    public ScanError Error { get; private set; }

    public int ErrorPosition { get; private set; }

    public string? ErrorReason { get; private set; }

    public bool MoveNext()
    {
        if (Error != ScanError.None || _next >= _buffer.Length)
            return false;

        var rest = _buffer[_next..];
        var error = RecordBatch.Check(rest, out int size, out int position, out string? reason);
        if (error == ScanError.None && size > _maxBatchSize)
        {
            error = ScanError.InvalidLength;
            position = RecordBatchLayout.LengthOffset;
            reason = $"batch size {size} exceeds the maximum {_maxBatchSize}";
        }
        else if (error == ScanError.TruncatedBatch && RecordBatch.PeekSize(rest) > _maxBatchSize)
        {
            error = ScanError.InvalidLength;
            position = RecordBatchLayout.LengthOffset;
            reason = $"batch size {RecordBatch.PeekSize(rest)} exceeds the maximum {_maxBatchSize}";
        }

        if (error == ScanError.None)
        {
            var batch = new RecordBatch(rest[..size]);
            if (_validateCrc && !batch.IsValid)
            {
                error = ScanError.CrcMismatch;
                position = RecordBatchLayout.CrcOffset;
                reason = $"CRC mismatch: stored 0x{batch.Crc:X8}, computed 0x{batch.ComputeCrc():X8}";
            }
            else
            {
                Current = batch;
                CurrentPosition = _next;
                _next += size;
                return true;
            }
        }

        Error = error;
        ErrorPosition = _next + position;
        ErrorReason = $"batch at position {_next}: {reason}";
        Current = default;
        return false;
    }

    /// <summary>Throws when the scan stopped on a bad batch.</summary>
    /// <exception cref="CorruptRecordException">The scan found a truncated or corrupt batch.</exception>
    public readonly void ThrowIfError()
    {
        if (Error != ScanError.None)
            throw new CorruptRecordException(ErrorReason!, ErrorPosition);
    }

    /// <summary>Scans the whole buffer and summarises it without decoding any record.</summary>
    public static ScanResult Scan(ReadOnlySpan<byte> buffer, bool validateCrc = true, int maxBatchSize = int.MaxValue)
    {
        var scanner = new RecordBatchScanner(buffer, validateCrc, maxBatchSize);
        int count = 0;
        long first = -1;
        long next = -1;
        while (scanner.MoveNext())
        {
            if (count++ == 0)
                first = scanner.Current.BaseOffset;
            next = scanner.Current.NextOffset;
        }

        return new ScanResult(scanner.ValidBytes, count, first, next, scanner.Error, scanner.ErrorPosition, scanner.ErrorReason);
    }
}
