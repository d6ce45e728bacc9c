using System.Buffers;
using ActorStream.Records;
using Microsoft.Win32.SafeHandles;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// Walks the batches of a segment file from a position through a pooled window, so a 1 GiB segment is
/// scanned without loading it. Stops at the first truncated or corrupt batch and keeps the reason, with
/// positions relative to the file. Not thread-safe; recovery, the cleaner, lookups and the dump use it.
/// </summary>
internal sealed class BatchFileReader : IDisposable
{
    private const int DefaultWindow = 64 * 1024;

    private readonly SafeFileHandle _file;
    private readonly long _end;
    private readonly bool _validateCrc;
    private readonly int _maxBatchSize;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _next;
    private int _currentSize;

    public BatchFileReader(SafeFileHandle file, long start, long end, bool validateCrc, int maxBatchSize = int.MaxValue, int window = DefaultWindow)
    {
        _file = file;
        _end = end;
        _validateCrc = validateCrc;
        _maxBatchSize = maxBatchSize;
        _buffer = ArrayPool<byte>.Shared.Rent(window);
        _bufferStart = start;
        _next = start;
        Position = -1;
    }

    /// <summary>File position of the current batch.</summary>
    public long Position { get; private set; }

    /// <summary>End of the last good batch: where recovery truncates.</summary>
    public long ValidEnd => _next;

    public ScanError Error { get; private set; }

    public long ErrorPosition { get; private set; } = -1;

    public string? ErrorReason { get; private set; }

    public bool IsTornTail => Error is ScanError.TruncatedHeader or ScanError.TruncatedBatch;

    /// <summary>The current batch's bytes; valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan((int)(Position - _bufferStart), _currentSize);

    public RecordBatch CurrentBatch => new(Current);

    public bool MoveNext()
    {
        if (Error != ScanError.None || _next >= _end)
            return false;

        long left = _end - _next;
        if (!Ensure(Math.Min(RecordBatchLayout.LogOverhead, left)) || left < RecordBatchLayout.LogOverhead)
            return Fail(ScanError.TruncatedHeader, _end, $"only {left} bytes left, fewer than a batch header");

        var window = _buffer.AsSpan((int)(_next - _bufferStart), _bufferLength - (int)(_next - _bufferStart));
        int size = RecordBatch.PeekSize(window);
        if (size < RecordBatchLayout.HeaderSize || size > _maxBatchSize)
            return Fail(ScanError.InvalidLength, _next + RecordBatchLayout.LengthOffset, $"batch size {size} is outside [{RecordBatchLayout.HeaderSize}, {_maxBatchSize}]");
        if (size > left)
        {
            // Let the library tell a bad magic from a torn tail before calling it torn.
            Ensure((int)Math.Min(left, RecordBatchLayout.HeaderSize));
            window = _buffer.AsSpan((int)(_next - _bufferStart), (int)Math.Min(left, _bufferLength - (_next - _bufferStart)));
            var headerScan = RecordBatchScanner.Scan(window, _validateCrc);
            return Fail(headerScan.Error == ScanError.None ? ScanError.TruncatedBatch : headerScan.Error, _next + Math.Max(0, headerScan.ErrorPosition), headerScan.ErrorReason ?? $"batch of {size} bytes runs past the end of the file");
        }

        if (!Ensure(size))
            return Fail(ScanError.TruncatedBatch, _end, "file shrank while reading");

        var bytes = _buffer.AsSpan((int)(_next - _bufferStart), size);
        var result = RecordBatchScanner.Scan(bytes, _validateCrc);
        if (!result.IsComplete || result.ValidBytes != size)
            return Fail(result.Error == ScanError.None ? ScanError.InvalidLength : result.Error, _next + Math.Max(0, result.ErrorPosition), result.ErrorReason ?? "batch is malformed");

        Position = _next;
        _currentSize = size;
        _next += size;
        return true;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    private bool Fail(ScanError error, long position, string reason)
    {
        Error = error;
        ErrorPosition = position;
        ErrorReason = $"batch at position {_next}: {reason}";
        return false;
    }

    /// <summary>Makes <paramref name="count"/> bytes from <c>_next</c> available in the window; false at end of file.</summary>
    private bool Ensure(long count)
    {
        int offsetInBuffer = (int)(_next - _bufferStart);
        if (_bufferLength - offsetInBuffer >= count)
            return true;

        // Slide the unread tail to the front, growing the window when one batch is larger than it.
        int tail = _bufferLength - offsetInBuffer;
        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)count);
            _buffer.AsSpan(offsetInBuffer, tail).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(offsetInBuffer, tail).CopyTo(_buffer);
        }

        _bufferStart = _next;
        _bufferLength = tail;
        while (_bufferLength < count)
        {
            long filePosition = _bufferStart + _bufferLength;
            int want = (int)Math.Min(_buffer.Length - _bufferLength, _end - filePosition);
            if (want <= 0)
                return false;
            int n = RandomAccess.Read(_file, _buffer.AsSpan(_bufferLength, want), filePosition);
            if (n == 0)
                return false;
            _bufferLength += n;
        }

        return true;
    }
}
