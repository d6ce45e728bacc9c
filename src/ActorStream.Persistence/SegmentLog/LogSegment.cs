using System.Globalization;
using ActorStream.Records;
using Microsoft.Win32.SafeHandles;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// One segment: a <c>.log</c> file of concatenated batches whose first offset is <see cref="BaseOffset"/>, with
/// its sparse <c>.index</c> and <c>.timeindex</c>. Only the log's writer appends to it; readers use
/// <see cref="Size"/>, which is published only after the bytes below it are fully written.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";
    public const string DeletedSuffix = ".deleted";
    public const string CleanedSuffix = ".cleaned";
    public const string SwapSuffix = ".swap";

    private long _size;
    private long _maxTimestamp = RecordBatchLayout.NoTimestamp;
    private long _offsetOfMaxTimestamp = -1;
    private int _bytesSinceLastIndexEntry;

    private LogSegment(string directory, long baseOffset, SafeFileHandle file, long size, long createdMs)
    {
        Directory = directory;
        BaseOffset = baseOffset;
        File = file;
        _size = size;
        CreatedMs = createdMs;
        LogPath = PathFor(directory, baseOffset, LogSuffix);
    }

    public string Directory { get; }

    public long BaseOffset { get; }

    public string LogPath { get; private set; }

    public SafeFileHandle File { get; }

    public SparseIndex OffsetIndex { get; private set; } = null!;

    public SparseIndex TimeIndex { get; private set; } = null!;

    /// <summary>Bytes of whole, written batches; readers never look past it.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>Largest batch max timestamp in the segment, -1 when empty; drives time retention.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    public long OffsetOfMaxTimestamp => _offsetOfMaxTimestamp;

    /// <summary>Offset after the last batch, known for segments that were scanned or written; -1 otherwise.</summary>
    public long NextOffset { get; set; } = -1;

    /// <summary>Max timestamp of the first batch, the start of time-based rolling (-1 until there is one).</summary>
    public long FirstBatchTimestamp { get; private set; } = RecordBatchLayout.NoTimestamp;

    public long CreatedMs { get; }

    public static string FileName(long baseOffset, string suffix) => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix;

    public static string PathFor(string directory, long baseOffset, string suffix) => Path.Combine(directory, FileName(baseOffset, suffix));

    /// <summary>Creates a new empty segment (the log's roll).</summary>
    public static LogSegment Create(string directory, long baseOffset, LogConfig config, long nowMs, string extraSuffix = "")
    {
        var path = PathFor(directory, baseOffset, LogSuffix + extraSuffix);
        var file = System.IO.File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var segment = new LogSegment(directory, baseOffset, file, 0, nowMs) { NextOffset = baseOffset };
        segment.LogPath = path;
        segment.OffsetIndex = SparseIndex.CreateEmpty(IndexKind.Offset, PathFor(directory, baseOffset, IndexSuffix + extraSuffix), baseOffset, config.MaxIndexSize);
        segment.TimeIndex = SparseIndex.CreateEmpty(IndexKind.Time, PathFor(directory, baseOffset, TimeIndexSuffix + extraSuffix), baseOffset, config.MaxIndexSize);
        return segment;
    }

    /// <summary>Opens an existing segment without checking it; the caller loads or rebuilds the indexes.</summary>
    public static LogSegment OpenExisting(string directory, long baseOffset, long nowMs)
    {
        var path = PathFor(directory, baseOffset, LogSuffix);
        var file = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new LogSegment(directory, baseOffset, file, RandomAccess.GetLength(file), nowMs);
    }

    /// <summary>
    /// Loads both indexes and trusts them when they pass the sanity check; otherwise rebuilds them by scanning.
    /// Returns a description of what was rebuilt, or null.
    /// </summary>
    public string? LoadOrRebuildIndexes(LogConfig config)
    {
        long size = Size;
        var offsetIndex = SparseIndex.TryLoad(IndexKind.Offset, PathFor(Directory, BaseOffset, IndexSuffix), BaseOffset, config.MaxIndexSize, size, out var offsetProblem);
        var timeIndex = SparseIndex.TryLoad(IndexKind.Time, PathFor(Directory, BaseOffset, TimeIndexSuffix), BaseOffset, config.MaxIndexSize, size, out var timeProblem);
        // A non-empty segment always ends with a time index entry (written on roll); without one the max timestamp is unknown.
        if (timeIndex is not null && timeIndex.Count == 0 && size > 0)
            timeProblem = "empty for a non-empty segment";
        if (offsetIndex is not null && timeProblem is null && timeIndex is not null)
        {
            OffsetIndex = offsetIndex;
            TimeIndex = timeIndex;
            _maxTimestamp = timeIndex.LastKey;
            _offsetOfMaxTimestamp = timeIndex.LastValue;
            FirstBatchTimestamp = ReadFirstBatchMaxTimestamp(size);
            return null;
        }

        offsetIndex?.Dispose();
        timeIndex?.Dispose();
        Rebuild(config, validateCrc: false, out _);
        return $"rebuilt indexes of {LogPath} (offset index: {offsetProblem ?? "ok"}, time index: {timeProblem ?? "ok"})";
    }

    // The first batch's max timestamp, as a scan would have set it (segment.ms and max.compaction.lag.ms count from it).
    private long ReadFirstBatchMaxTimestamp(long size)
    {
        if (size < RecordBatchLayout.HeaderSize)
            return RecordBatchLayout.NoTimestamp;
        Span<byte> timestamp = stackalloc byte[8];
        return RandomAccess.Read(File, timestamp, RecordBatchLayout.MaxTimestampOffset) == timestamp.Length
            ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(timestamp)
            : RecordBatchLayout.NoTimestamp;
    }

    /// <summary>
    /// Scans the whole segment, rebuilding both indexes, and stops at the first bad batch. Returns the reader's
    /// verdict through <paramref name="scan"/>: valid end, error and reason. Does not truncate.
    /// </summary>
    public void Rebuild(LogConfig config, bool validateCrc, out ScanSummary scan)
    {
        OffsetIndex?.Dispose();
        TimeIndex?.Dispose();
        OffsetIndex = SparseIndex.CreateEmpty(IndexKind.Offset, PathFor(Directory, BaseOffset, IndexSuffix), BaseOffset, config.MaxIndexSize);
        TimeIndex = SparseIndex.CreateEmpty(IndexKind.Time, PathFor(Directory, BaseOffset, TimeIndexSuffix), BaseOffset, config.MaxIndexSize);
        _maxTimestamp = RecordBatchLayout.NoTimestamp;
        _offsetOfMaxTimestamp = -1;
        _bytesSinceLastIndexEntry = 0;
        FirstBatchTimestamp = RecordBatchLayout.NoTimestamp;
        NextOffset = BaseOffset;

        using var reader = new BatchFileReader(File, 0, Size, validateCrc);
        long firstBadBase = -1;
        long firstBadLast = -1;
        while (reader.MoveNext())
        {
            var batch = reader.CurrentBatch;
            OnBatchAppended(config, reader.Position, batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp, batch.SizeInBytes);
        }

        if (reader.Error != ScanError.None && Size - reader.ValidEnd >= RecordBatchLayout.HeaderSize)
        {
            // Best effort: name the offsets of the batch being dropped when its header is readable.
            Span<byte> header = stackalloc byte[RecordBatchLayout.HeaderSize];
            if (RandomAccess.Read(File, header, reader.ValidEnd) == header.Length)
            {
                firstBadBase = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(header);
                firstBadLast = firstBadBase + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[RecordBatchLayout.LastOffsetDeltaOffset..]);
            }
        }

        OffsetIndex.WritePending();
        TimeIndex.WritePending();
        scan = new ScanSummary(reader.ValidEnd, NextOffset, reader.Error, reader.ErrorPosition, reader.ErrorReason, firstBadBase, firstBadLast);
    }

    /// <summary>
    /// Records a batch written at <paramref name="position"/> in the in-memory indexes (Kafka's rule: an index
    /// entry when more than index.interval.bytes were written since the last one). Writer only.
    /// </summary>
    public void OnBatchAppended(LogConfig config, long position, long baseOffset, long lastOffset, long maxTimestamp, int size)
    {
        if (FirstBatchTimestamp == RecordBatchLayout.NoTimestamp)
            FirstBatchTimestamp = maxTimestamp;
        if (maxTimestamp > _maxTimestamp)
        {
            _offsetOfMaxTimestamp = lastOffset;
            Volatile.Write(ref _maxTimestamp, maxTimestamp);
        }

        if (_bytesSinceLastIndexEntry > config.IndexIntervalBytes)
        {
            OffsetIndex.AppendInMemory(baseOffset, position);
            TimeIndex.AppendInMemory(_maxTimestamp, _offsetOfMaxTimestamp);
            _bytesSinceLastIndexEntry = 0;
        }

        _bytesSinceLastIndexEntry += size;
        NextOffset = lastOffset + 1;
    }

    /// <summary>Publishes the new end after the bytes are on the file (writer only).</summary>
    public void PublishSize(long size) => Volatile.Write(ref _size, size);

    /// <summary>Cuts the file to <paramref name="validBytes"/> and drops index entries pointing past it.</summary>
    public void TruncateTo(long validBytes, long nextOffset)
    {
        RandomAccess.SetLength(File, validBytes);
        PublishSize(validBytes);
        OffsetIndex.TruncateWhere((_, position) => position >= validBytes);
        TimeIndex.TruncateWhere((_, offset) => offset >= nextOffset);
        NextOffset = nextOffset;
    }

    /// <summary>The final time index entry Kafka writes when a segment stops being active, so reopening knows its max timestamp.</summary>
    public void OnBecomeInactive()
    {
        if (_offsetOfMaxTimestamp >= 0)
            TimeIndex.AppendInMemory(_maxTimestamp, _offsetOfMaxTimestamp);
        OffsetIndex.WritePending();
        TimeIndex.WritePending();
    }

    public bool IsIndexFull => OffsetIndex.IsFull || TimeIndex.IsFull;

    /// <summary>Start position to scan from for <paramref name="offset"/>: a batch whose base offset is at most it.</summary>
    public long LookupPosition(long offset) => Math.Max(0, OffsetIndex.Lookup(offset));

    /// <summary>
    /// Finds the first batch whose last offset is at least <paramref name="offset"/>: returns its position and
    /// size, or position -1 when the segment ends first. Corruption found on the way is thrown with the file named.
    /// </summary>
    public (long Position, int Size) FindBatch(long offset, long end)
    {
        using var reader = new BatchFileReader(File, LookupPosition(offset), end, validateCrc: false);
        while (reader.MoveNext())
        {
            var batch = reader.CurrentBatch;
            if (batch.LastOffset >= offset)
                return (reader.Position, batch.SizeInBytes);
        }

        if (reader.Error != ScanError.None)
            throw new LogCorruptException(LogPath, reader.ErrorPosition, offset, reader.ErrorReason ?? reader.Error.ToString());
        return (-1, 0);
    }

    public void Flush()
    {
        RandomAccess.FlushToDisk(File);
        OffsetIndex.WritePending();
        TimeIndex.WritePending();
        OffsetIndex.Flush();
        TimeIndex.Flush();
    }

    /// <summary>Renames all files of the segment from one suffix to another (Kafka's async delete and swap).</summary>
    public void RenameAll(string fromSuffix, string toSuffix)
    {
        RenameAll(Directory, BaseOffset, fromSuffix, toSuffix);
        LogPath = PathFor(Directory, BaseOffset, LogSuffix + toSuffix);
    }

    /// <summary>Renames the files of the segment at <paramref name="baseOffset"/> that exist, replacing any in the way.</summary>
    public static void RenameAll(string directory, long baseOffset, string fromSuffix, string toSuffix)
    {
        foreach (var kind in new[] { LogSuffix, IndexSuffix, TimeIndexSuffix })
        {
            var from = PathFor(directory, baseOffset, kind + fromSuffix);
            if (System.IO.File.Exists(from))
                System.IO.File.Move(from, PathFor(directory, baseOffset, kind + toSuffix), overwrite: true);
        }
    }

    public static void DeleteAll(string directory, long baseOffset, string suffix)
    {
        foreach (var kind in new[] { LogSuffix, IndexSuffix, TimeIndexSuffix })
            System.IO.File.Delete(PathFor(directory, baseOffset, kind + suffix));
    }

    public void Dispose()
    {
        OffsetIndex?.Dispose();
        TimeIndex?.Dispose();
        File.Dispose();
    }

    public override string ToString() => $"LogSegment({LogPath}, base={BaseOffset}, size={Size})";
}

/// <summary>What a segment scan found: where the good bytes end and why it stopped.</summary>
internal readonly record struct ScanSummary(long ValidBytes, long NextOffset, ScanError Error, long ErrorPosition, string? ErrorReason, long BadBaseOffset, long BadLastOffset);
