using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>What an append wrote: the offsets it got and where its first batch sits.</summary>
public readonly record struct LogAppendInfo(
    long FirstOffset,
    long LastOffset,
    int BatchCount,
    long RecordCount,
    long MaxTimestamp,
    long SegmentBaseOffset,
    long Position);

/// <summary>A record found by timestamp (Kafka's ListOffsets answer).</summary>
public readonly record struct TimestampAndOffset(long Timestamp, long Offset);

/// <summary>
/// A slice of a segment file that a socket can send without copying it through user space. Like Kafka's
/// FileRecords slice it starts on a batch boundary but may end inside a batch (the consumer drops the partial
/// batch). The handle belongs to the log: it is valid until the segment is deleted, cleaned or the log closed.
/// </summary>
public readonly record struct FileRegion(string Path, SafeFileHandle Handle, long Position, long Length);

/// <summary>Bytes of whole batches read from the log, in a pooled buffer returned on <see cref="Dispose"/>.</summary>
public sealed class LogReadResult : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal LogReadResult(byte[]? buffer, int length, long logStartOffset, long logEndOffset)
    {
        _buffer = buffer;
        _length = length;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
    }

    /// <summary>Concatenated batches; the first holds the requested offset (and may start before it).</summary>
    public ReadOnlyMemory<byte> Records => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    public long LogStartOffset { get; }

    public long LogEndOffset { get; }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>What one compaction pass did.</summary>
public sealed record CleanerStats(int SegmentsCleaned, long RecordsRemoved, long TombstonesRemoved, long BytesBefore, long BytesAfter, int BatchesKeptUndecodable)
{
    /// <summary>Nothing compacted: the policy is not compact, or compaction was not due.</summary>
    public static CleanerStats None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Whether a compaction pass ran (it was due), even if it changed nothing.</summary>
    public bool Ran { get; init; }

    /// <summary>The dirty share of the compactable log when the pass was considered.</summary>
    public double DirtyRatio { get; init; }

    /// <summary>Segments written in place of the <see cref="SegmentsCleaned"/> ones (fewer when neighbours were merged).</summary>
    public int SegmentsWritten { get; init; }
}
