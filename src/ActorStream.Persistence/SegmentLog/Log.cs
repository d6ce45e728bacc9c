using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using ActorStream.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// A partition's log in one directory: segments named by base offset, appended by a single writer loop that
/// group-commits concurrent appends (one write, and at most one fsync, per group), read concurrently without
/// locks up to the published end. Structural changes (roll, retention, compaction swap) replace the immutable
/// segment array under a short lock that is never held across an await.
/// </summary>
public sealed partial class Log : IAsyncDisposable, IDisposable
{
    private const string CheckpointFile = "log-checkpoint";

    // The first offset compaction has not cleaned yet (Kafka's cleaner-offset-checkpoint, one per log here).
    private const string CleanerCheckpointFile = "cleaner-checkpoint";
    private const int MaxGroupBytes = 8 * 1024 * 1024;

    private readonly WriteGroup _group = new();

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _structureLock = new();
    private readonly SemaphoreSlim _maintenance = new(1, 1);
    private readonly Channel<Request> _requests;
    private readonly Task _writer;
    private LogSegment[] _segments;
    private long _logEndOffset;
    private long _logStartOffset;
    private long _firstDirtyOffset;
    private long _tombstonesDueMs = long.MaxValue;
    private long _recoveryPoint;
    private long _nextOffset;
    private long _unflushedMessages;
    private long _lastFlushMs;
    private long _writeCount;
    private long _fsyncCount;
    private int _disposed;

    private Log(string directory, LogConfig config, ILogger logger, TimeProvider time, LogSegment[] segments, long logStartOffset, long recoveryPoint)
    {
        Directory = directory;
        Config = config;
        _logger = logger;
        _time = time;
        _segments = segments;
        _logEndOffset = segments[^1].NextOffset;
        _nextOffset = _logEndOffset;
        _logStartOffset = Math.Max(logStartOffset, segments[0].BaseOffset);
        _recoveryPoint = Math.Min(recoveryPoint, _logEndOffset);
        _lastFlushMs = NowMs;
        _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
        _writer = Task.Run(WriterLoopAsync);
    }

    private readonly Lock _checkpointGate = new();

    public string Directory { get; }

    public LogConfig Config { get; private set; }

    /// <summary>
    /// Applies changed settings (a topic's altered configs) from the next append, roll or retention pass on; the
    /// existing segments and indexes keep their shape.
    /// </summary>
    public void UpdateConfig(LogConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
    }

    /// <summary>The offset the next appended record gets.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>The first offset a read may ask for.</summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>Every offset below this is fsynced: the recovery point (Kafka's recoveryPoint).</summary>
    public long FlushedOffset => Volatile.Read(ref _recoveryPoint);

    /// <summary>Total bytes of all segments.</summary>
    public long Size => Volatile.Read(ref _segments).Sum(s => s.Size);

    public int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>The base offset of the segment appends go to: it changes when the log rolls.</summary>
    public long ActiveSegmentBaseOffset => Active.BaseOffset;

    public IReadOnlyList<long> SegmentBaseOffsets => Volatile.Read(ref _segments).Select(s => s.BaseOffset).ToArray();

    /// <summary>Data writes issued by the writer loop (one per group commit); for tests.</summary>
    internal long WriteCount => Interlocked.Read(ref _writeCount);

    /// <summary>fsyncs of segment data; for tests.</summary>
    internal long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>When set, the writer waits for it before draining the queue: lets tests pile up appends deterministically.</summary>
    internal Task? WriterGate { get; set; }

    internal IReadOnlyList<string> SegmentPaths => Volatile.Read(ref _segments).Select(s => s.LogPath).ToArray();

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private LogSegment Active => Volatile.Read(ref _segments)[^1];

    // ------------------------------------------------------------------ open and recovery

    /// <summary>
    /// Opens the log in <paramref name="directory"/> (created when missing) and recovers it: leftovers of
    /// interrupted deletes and compactions are finished or dropped, indexes of flushed segments are
    /// sanity-checked (rebuilt when bad or missing), and the segments from the recovery point on are scanned
    /// with CRC checks, truncating a torn or corrupt tail.
    /// </summary>
    public static Log Open(string directory, LogConfig? config = null, ILogger? logger = null, TimeProvider? time = null)
    {
        config ??= LogConfig.Default;
        config.Validate();
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        System.IO.Directory.CreateDirectory(directory);
        long nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();

        CleanLeftovers(directory, logger);
        var (recoveryPoint, logStartOffset) = ReadCheckpoint(directory);

        var baseOffsets = System.IO.Directory.EnumerateFiles(directory, "*" + LogSegment.LogSuffix)
            .Select(p => TryParseBaseOffset(Path.GetFileName(p), LogSegment.LogSuffix))
            .Where(b => b >= 0)
            .Order()
            .ToList();

        var segments = new List<LogSegment>();
        try
        {
            for (int i = 0; i < baseOffsets.Count; i++)
            {
                var segment = LogSegment.OpenExisting(directory, baseOffsets[i], nowMs);
                segments.Add(segment);
                bool isLast = i == baseOffsets.Count - 1;
                bool flushed = !isLast && baseOffsets[i + 1] <= recoveryPoint;
                if (flushed)
                {
                    var rebuilt = segment.LoadOrRebuildIndexes(config);
                    if (rebuilt is not null)
                        logger.LogWarning("Segment log {Directory}: {What}", directory, rebuilt);
                    continue;
                }

                segment.Rebuild(config, validateCrc: true, out var scan);
                if (scan.Error == ScanError.None)
                    continue;

                long truncatedBytes = segment.Size - scan.ValidBytes;
                string offsets = scan.BadBaseOffset >= 0
                    ? string.Create(CultureInfo.InvariantCulture, $"offsets from {scan.NextOffset} (first dropped batch claims [{scan.BadBaseOffset}, {scan.BadLastOffset}])")
                    : string.Create(CultureInfo.InvariantCulture, $"offsets from {scan.NextOffset}");
                logger.LogWarning(
                    "Segment log recovery truncated {Bytes} bytes of {File} at position {Position} ({Kind}: {Reason}); {Offsets} were dropped",
                    truncatedBytes, segment.LogPath, scan.ValidBytes, scan.Error, scan.ErrorReason, offsets);
                segment.TruncateTo(scan.ValidBytes, scan.NextOffset);

                // Like Kafka, everything after a corrupt batch is untrusted: later segments go too.
                for (int j = i + 1; j < baseOffsets.Count; j++)
                {
                    logger.LogWarning("Segment log recovery deleted segment {File} after the corruption in {Corrupt}", LogSegment.PathFor(directory, baseOffsets[j], LogSegment.LogSuffix), segment.LogPath);
                    LogSegment.DeleteAll(directory, baseOffsets[j], "");
                }

                break;
            }

            if (segments.Count == 0)
                segments.Add(LogSegment.Create(directory, Math.Max(0, logStartOffset), config, nowMs));

            var last = segments[^1];
            if (last.NextOffset < 0)
                last.NextOffset = last.BaseOffset;
            var log = new Log(directory, config, logger, time, [.. segments], logStartOffset, Math.Min(recoveryPoint, last.NextOffset));
            // Never past the end: offsets a truncation removed will be appended again, and they are dirty.
            var (firstDirty, tombstonesDue) = ReadCleanerCheckpoint(directory);
            log._firstDirtyOffset = Math.Min(firstDirty, last.NextOffset);
            log._tombstonesDueMs = tombstonesDue;
            return log;
        }
        catch
        {
            foreach (var s in segments)
                s.Dispose();
            throw;
        }
    }

    private static void CleanLeftovers(string directory, ILogger logger)
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(directory).ToList())
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogSegment.DeletedSuffix, StringComparison.Ordinal) || name.EndsWith(LogSegment.CleanedSuffix, StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                // A .deleted file was on its way out; a .cleaned one is an unfinished compaction output.
                logger.LogInformation("Segment log {Directory}: removing leftover {File}", directory, name);
                File.Delete(path);
            }
        }

        // A .log.swap is a finished compaction output whose swap was interrupted: it replaces every segment it covers,
        // from its base offset to its last offset (compaction may have merged several into it). Merged segments past
        // its last offset held only records it dropped: left live, they are compacted again by the next pass.
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + LogSegment.LogSuffix + LogSegment.SwapSuffix).ToList())
        {
            long baseOffset = TryParseBaseOffset(Path.GetFileName(path), LogSegment.LogSuffix + LogSegment.SwapSuffix);
            if (baseOffset < 0)
                continue;
            long lastOffset = Math.Max(baseOffset, LastOffsetIn(path));
            var replaced = System.IO.Directory.EnumerateFiles(directory, "*" + LogSegment.LogSuffix)
                .Select(live => TryParseBaseOffset(Path.GetFileName(live), LogSegment.LogSuffix))
                .Where(live => live >= baseOffset && live <= lastOffset)
                .Order()
                .ToList();
            logger.LogWarning("Segment log {Directory}: completing interrupted compaction swap of segment {Base} (replacing {Count} segment(s): {Replaced})",
                directory, baseOffset, replaced.Count, string.Join(", ", replaced));
            foreach (long live in replaced)
                LogSegment.DeleteAll(directory, live, "");
            LogSegment.RenameAll(directory, baseOffset, LogSegment.SwapSuffix, "");
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + LogSegment.SwapSuffix).ToList())
            File.Delete(path);

        // Index files without a log file belong to nothing.
        foreach (var path in System.IO.Directory.EnumerateFiles(directory).ToList())
        {
            var name = Path.GetFileName(path);
            if ((name.EndsWith(LogSegment.IndexSuffix, StringComparison.Ordinal) || name.EndsWith(LogSegment.TimeIndexSuffix, StringComparison.Ordinal))
                && !File.Exists(Path.Combine(directory, name[..name.IndexOf('.', StringComparison.Ordinal)] + LogSegment.LogSuffix)))
            {
                File.Delete(path);
            }
        }
    }

    // The last offset of the last whole batch in a segment file, or -1 when it holds none.
    private static long LastOffsetIn(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new BatchFileReader(file, 0, RandomAccess.GetLength(file), validateCrc: false);
        long last = -1;
        while (reader.MoveNext())
            last = reader.CurrentBatch.LastOffset;
        return last;
    }

    private static long TryParseBaseOffset(string fileName, string suffix)
    {
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal))
            return -1;
        var stem = fileName.AsSpan(0, fileName.Length - suffix.Length);
        return stem.Length == 20 && long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : -1;
    }

    // log-checkpoint: "1", the recovery point, the log start offset.
    private static (long RecoveryPoint, long LogStartOffset) ReadCheckpoint(string directory) =>
        ReadCheckpointFile(Path.Combine(directory, CheckpointFile)) is { Length: >= 2 } values
            && long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out long recoveryPoint)
            && long.TryParse(values[1], NumberStyles.None, CultureInfo.InvariantCulture, out long logStart)
            ? (recoveryPoint, logStart)
            : (0, 0);

    // cleaner-checkpoint: "1", the first offset not yet compacted, and (optional) when kept tombstones may go (ms; absent: none kept).
    private static (long FirstDirtyOffset, long TombstonesDueMs) ReadCleanerCheckpoint(string directory)
    {
        if (ReadCheckpointFile(Path.Combine(directory, CleanerCheckpointFile)) is not { Length: >= 1 } values
            || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
        {
            return (0, long.MaxValue);
        }

        long due = values.Length >= 2 && long.TryParse(values[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ms) ? ms : long.MaxValue;
        return (offset, due);
    }

    private void WriteCleanerCheckpoint(long firstDirtyOffset, long tombstonesDueMs) =>
        WriteCheckpointFile(Path.Combine(Directory, CleanerCheckpointFile), firstDirtyOffset, tombstonesDueMs);

    /// <summary>
    /// Writes recovery point and log start offset atomically (temp file, fsync, rename). The writer loop (on a roll)
    /// and retention (on its own thread) both write it, so writes take turns on the one temp file.
    /// </summary>
    private void WriteCheckpoint()
    {
        lock (_checkpointGate)
            WriteCheckpointFile(Path.Combine(Directory, CheckpointFile), FlushedOffset, LogStartOffset);
    }

    // The values after the version line "1", or null when the file is missing or of another version.
    private static string[]? ReadCheckpointFile(string path)
    {
        if (!File.Exists(path))
            return null;
        var lines = File.ReadAllLines(path);
        return lines.Length >= 1 && lines[0] == "1" ? lines[1..] : null;
    }

    // "1" then one value per line, replaced atomically (at a roll, the directory fsync also makes the new segment's
    // file durable).
    private static void WriteCheckpointFile(string path, params long[] values) =>
        AtomicFile.WriteAllText(path, "1\n" + string.Concat(values.Select(value => string.Create(CultureInfo.InvariantCulture, $"{value}\n"))));

    // ------------------------------------------------------------------ appends

    /// <summary>
    /// Appends one or more concatenated batches as the leader: the log assigns offsets from the log end offset
    /// (in its own copy; the caller's buffer is not changed). The buffer must stay untouched until the task
    /// completes. Validation (magic, length, CRC, max.message.bytes) happens before anything is queued.
    /// </summary>
    /// <exception cref="CorruptRecordException">The buffer is not a sequence of valid batches; nothing is written.</exception>
    public Task<LogAppendInfo> AppendAsLeaderAsync(ReadOnlyMemory<byte> batches, int? partitionLeaderEpoch = null)
        => Enqueue(batches, asLeader: true, partitionLeaderEpoch);

    /// <summary>
    /// Appends batches whose offsets were assigned by the leader; they must start at or after the log end
    /// offset and increase, or the task fails with <see cref="InvalidOffsetException"/>.
    /// </summary>
    /// <exception cref="CorruptRecordException">The buffer is not a sequence of valid batches; nothing is written.</exception>
    public Task<LogAppendInfo> AppendAsFollowerAsync(ReadOnlyMemory<byte> batches)
        => Enqueue(batches, asLeader: false, null);

    /// <summary>fsyncs everything appended before this call; completes when it is durable.</summary>
    public Task FlushAsync()
    {
        var request = new Request(RequestKind.Flush);
        if (!_requests.Writer.TryWrite(request))
            return Task.FromException(new ObjectDisposedException(nameof(Log)));
        return request.Completion.Task;
    }

    private Task<LogAppendInfo> Enqueue(ReadOnlyMemory<byte> batches, bool asLeader, int? epoch)
    {
        Request request;
        try
        {
            request = Validate(batches, asLeader, Config.MaxMessageBytes);
        }
        catch (Exception e) when (e is CorruptRecordException or RecordBatchTooLargeException or InvalidOffsetException)
        {
            return Task.FromException<LogAppendInfo>(e);
        }

        request.LeaderEpoch = epoch;
        if (!_requests.Writer.TryWrite(request))
            return Task.FromException<LogAppendInfo>(new ObjectDisposedException(nameof(Log)));
        return request.Completion.Task;
    }

    private static Request Validate(ReadOnlyMemory<byte> batches, bool asLeader, int maxMessageBytes)
    {
        if (batches.IsEmpty)
            throw new CorruptRecordException("an append needs at least one batch", 0);

        var request = new Request(RequestKind.Append) { Batches = batches, AsLeader = asLeader };
        var scanner = new RecordBatchScanner(batches.Span, validateCrc: true);
        long previousNext = -1;
        while (scanner.MoveNext())
        {
            var batch = scanner.Current;
            if (batch.SizeInBytes > maxMessageBytes)
                throw new RecordBatchTooLargeException($"Batch at position {scanner.CurrentPosition} is {batch.SizeInBytes} bytes, above max.message.bytes {maxMessageBytes}.");
            if (batch.LastOffsetDelta < 0)
                throw new CorruptRecordException($"negative last offset delta {batch.LastOffsetDelta}", scanner.CurrentPosition + RecordBatchLayout.LastOffsetDeltaOffset);
            if (!asLeader)
            {
                if (batch.BaseOffset < previousNext)
                    throw new InvalidOffsetException($"Batch offsets must increase: batch at position {scanner.CurrentPosition} starts at {batch.BaseOffset}, before {previousNext}.");
                if (request.BatchCount == 0)
                    request.FirstOffset = batch.BaseOffset;
                request.LastOffset = batch.LastOffset;
                previousNext = batch.NextOffset;
            }

            request.BatchCount++;
            request.RecordCount += batch.RecordCount;
            request.OffsetSpan += batch.LastOffsetDelta + 1L;
            request.MaxTimestamp = Math.Max(request.MaxTimestamp, batch.MaxTimestamp);
        }

        scanner.ThrowIfError();
        return request;
    }

    private async Task WriterLoopAsync()
    {
        var reader = _requests.Reader;
        var pending = new List<Request>();
        while (true)
        {
            bool more;
            long flushMs = Config.FlushMs;
            if (flushMs != long.MaxValue && _unflushedMessages > 0)
            {
                long wait = _lastFlushMs + flushMs - NowMs;
                if (wait <= 0)
                {
                    FlushActiveQuietly();
                    continue;
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(wait), _time);
                try
                {
                    more = await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }
            }
            else
            {
                more = await reader.WaitToReadAsync().ConfigureAwait(false);
            }

            if (!more)
                break;
            if (WriterGate is { } gate)
                await gate.ConfigureAwait(false);

            long bytes = 0;
            while (bytes < MaxGroupBytes && reader.TryRead(out var request))
            {
                pending.Add(request);
                bytes += request.Batches.Length;
            }

            try
            {
                await ProcessAsync(pending).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Segment log {Directory}: writer failed", Directory);
                foreach (var request in pending)
                    request.Fail(e);
            }

            pending.Clear();
        }
    }

    private void FlushActiveQuietly()
    {
        try
        {
            FlushActive();
        }
        catch (IOException e)
        {
            _logger.LogError(e, "Segment log {Directory}: flush failed", Directory);
        }
    }

    private async Task ProcessAsync(List<Request> requests)
    {
        // One group buffer for the life of the log (only the writer loop uses it): no per-group rent and regrowth.
        var group = _group;
        group.Reset();
        foreach (var request in requests)
        {
            if (request.Kind == RequestKind.Flush)
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
                FlushActive();
                request.Completion.TrySetResult(default);
                continue;
            }

            long first = request.AsLeader ? _nextOffset : request.FirstOffset;
            long last = request.AsLeader ? first + request.OffsetSpan - 1 : request.LastOffset;
            if (!request.AsLeader && first < _nextOffset)
            {
                request.Fail(new InvalidOffsetException($"Follower append starts at offset {first}, below the log end offset {_nextOffset}."));
                continue;
            }

            if (NeedsRoll(Active, group.Length, request.Batches.Length, request.MaxTimestamp, last))
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
                Roll(first);
            }

            int start = group.Length;
            var target = group.Append(request.Batches.Span);
            if (request.AsLeader || request.LeaderEpoch is not null)
            {
                // Offsets (and the leader epoch) sit outside the CRC, so they are assigned in our copy in place.
                long next = first;
                int p = 0;
                while (p < target.Length)
                {
                    var batchSpan = target[p..];
                    int size = RecordBatch.PeekSize(batchSpan);
                    if (request.AsLeader)
                    {
                        RecordBatch.SetBaseOffset(batchSpan[..size], next);
                        next += new RecordBatch(batchSpan[..size]).LastOffsetDelta + 1L;
                    }

                    if (request.LeaderEpoch is int epoch)
                        RecordBatch.SetPartitionLeaderEpoch(batchSpan[..size], epoch);
                    p += size;
                }
            }

            request.AssignedFirst = first;
            request.AssignedLast = last;
            request.Position = Active.Size + start;
            request.SegmentBaseOffset = Active.BaseOffset;
            group.Requests.Add(request);
            _nextOffset = last + 1;
        }

        await CommitGroupAsync(group).ConfigureAwait(false);
    }

    private bool NeedsRoll(LogSegment active, int groupBytes, int batchBytes, long maxTimestamp, long lastOffset)
    {
        long size = active.Size + groupBytes;
        if (size == 0)
            return false;
        if (size + batchBytes > Config.SegmentBytes || active.IsIndexFull || lastOffset - active.BaseOffset > int.MaxValue)
            return true;
        long waited = active.FirstBatchTimestamp >= 0 && maxTimestamp >= 0
            ? maxTimestamp - active.FirstBatchTimestamp
            : NowMs - active.CreatedMs;
        // A compacted log rolls by max.compaction.lag.ms too, as Kafka's does: records in the active segment cannot be compacted.
        long rollMs = Config.CleanupPolicy.HasFlag(CleanupPolicy.Compact) ? Math.Min(Config.SegmentMs, Config.MaxCompactionLagMs) : Config.SegmentMs;
        return waited >= rollMs || NowMs - active.CreatedMs >= rollMs;
    }

    /// <summary>Writes the group with one write, publishes it to readers, fsyncs if the policy says so, completes callers.</summary>
    private async Task CommitGroupAsync(WriteGroup group)
    {
        if (group.Requests.Count == 0)
            return;

        var active = Active;
        long position = active.Size;
        try
        {
            await RandomAccess.WriteAsync(active.File, group.Memory, position).ConfigureAwait(false);
            Interlocked.Increment(ref _writeCount);

            var scanner = new RecordBatchScanner(group.Memory.Span, validateCrc: false);
            long records = 0;
            while (scanner.MoveNext())
            {
                var batch = scanner.Current;
                active.OnBatchAppended(Config, position + scanner.CurrentPosition, batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp, batch.SizeInBytes);
                records += batch.RecordCount;
            }

            await active.OffsetIndex.WritePendingAsync().ConfigureAwait(false);
            await active.TimeIndex.WritePendingAsync().ConfigureAwait(false);

            // Size before end offset: a reader that sees the new end offset also sees the bytes holding it.
            active.PublishSize(position + group.Length);
            Volatile.Write(ref _logEndOffset, _nextOffset);
            _unflushedMessages += records;
            if (_unflushedMessages >= Config.FlushMessages || (Config.FlushMs != long.MaxValue && NowMs - _lastFlushMs >= Config.FlushMs))
                FlushActive();
        }
        catch (Exception e)
        {
            // Nothing was published; the next write goes to the same position and offsets are handed out again.
            _nextOffset = LogEndOffset;
            foreach (var request in group.Requests)
                request.Fail(e);
            group.Reset();
            return;
        }

        foreach (var request in group.Requests)
        {
            request.Completion.TrySetResult(new LogAppendInfo(
                request.AssignedFirst, request.AssignedLast, request.BatchCount, request.RecordCount, request.MaxTimestamp, request.SegmentBaseOffset, request.Position));
        }

        group.Reset();
    }

    /// <summary>fsyncs the active segment (older ones were fsynced when they rolled) and advances the recovery point.</summary>
    private void FlushActive()
    {
        long end = LogEndOffset;
        Active.Flush();
        Interlocked.Increment(ref _fsyncCount);
        _unflushedMessages = 0;
        _lastFlushMs = NowMs;
        Volatile.Write(ref _recoveryPoint, Math.Max(FlushedOffset, end));
    }

    private void Roll(long newBaseOffset)
    {
        var old = Active;
        old.OnBecomeInactive();
        old.Flush();
        Interlocked.Increment(ref _fsyncCount);
        Volatile.Write(ref _recoveryPoint, Math.Max(FlushedOffset, LogEndOffset));
        _unflushedMessages = 0;
        var segment = LogSegment.Create(Directory, newBaseOffset, Config, NowMs);
        lock (_structureLock)
            Volatile.Write(ref _segments, [.. _segments, segment]);
        WriteCheckpoint();
        _logger.LogDebug("Segment log {Directory}: rolled new segment at offset {Offset}", Directory, newBaseOffset);
    }

    // ------------------------------------------------------------------ reads

    /// <summary>
    /// Whole batches starting with the one that holds <paramref name="startOffset"/> (which may begin before it),
    /// up to <paramref name="maxBytes"/> but always at least one batch. Empty at the log end offset. Every
    /// returned batch passed its CRC check.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">Below the log start or above the log end offset.</exception>
    /// <exception cref="LogCorruptException">The batch at the requested offset is corrupt on disk.</exception>
    public LogReadResult Read(long startOffset, int maxBytes)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var (segment, position, length, start, end) = Locate(startOffset, maxBytes);
                if (segment is null)
                    return new LogReadResult(null, 0, start, end);
                byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length);
                int read = 0;
                while (read < length)
                {
                    int n = RandomAccess.Read(segment.File, buffer.AsSpan(read, (int)length - read), position + read);
                    if (n == 0)
                        break;
                    read += n;
                }

                return Check(segment, buffer, read, position, startOffset, start, end);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
                // The segment was deleted or swapped by compaction under us: look again in the new segment set.
            }
        }
    }

    /// <summary>Asynchronous form of <see cref="Read"/>: the data is read with <see cref="RandomAccess.ReadAsync(Microsoft.Win32.SafeHandles.SafeFileHandle, Memory{byte}, long, CancellationToken)"/>.</summary>
    /// <exception cref="OffsetOutOfRangeException">Below the log start or above the log end offset.</exception>
    /// <exception cref="LogCorruptException">The batch at the requested offset is corrupt on disk.</exception>
    public async ValueTask<LogReadResult> ReadAsync(long startOffset, int maxBytes, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var (segment, position, length, start, end) = Locate(startOffset, maxBytes);
                if (segment is null)
                    return new LogReadResult(null, 0, start, end);
                byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length);
                int read = 0;
                while (read < length)
                {
                    int n = await RandomAccess.ReadAsync(segment.File, buffer.AsMemory(read, (int)length - read), position + read, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                        break;
                    read += n;
                }

                return Check(segment, buffer, read, position, startOffset, start, end);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// The zero-copy form of <see cref="Read"/>: where the bytes are, for a socket to send straight from the
    /// file. Covers one segment; not CRC-checked here (the consumer checks every batch, as Kafka's do).
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">Below the log start or above the log end offset.</exception>
    public IReadOnlyList<FileRegion> ReadFileRegions(long startOffset, int maxBytes)
    {
        var (segment, position, length, _, _) = Locate(startOffset, maxBytes, batchAligned: false);
        return segment is null ? [] : [new FileRegion(segment.LogPath, segment.File, position, length)];
    }

    private (LogSegment? Segment, long Position, long Length, long Start, long End) Locate(long startOffset, int maxBytes, bool batchAligned = true)
    {
        long end = LogEndOffset;
        var segments = Volatile.Read(ref _segments);
        long start = LogStartOffset;
        if (startOffset < start || startOffset > end)
            throw new OffsetOutOfRangeException(startOffset, start, end);
        if (startOffset == end)
            return (null, 0, 0, start, end);

        for (int i = FloorSegment(segments, startOffset); i < segments.Length; i++)
        {
            var segment = segments[i];
            long segmentEnd = segment.Size;
            var (position, size) = segment.FindBatch(startOffset, segmentEnd);
            if (position < 0)
                continue; // Compaction may leave a segment ending below the offset: the batch is in a later one.
            long length = Math.Min(segmentEnd - position, Math.Max(maxBytes, size));
            return (segment, position, batchAligned ? length : length, start, end);
        }

        return (null, 0, 0, start, end);
    }

    private static int FloorSegment(LogSegment[] segments, long offset)
    {
        int lo = 0;
        int hi = segments.Length - 1;
        int found = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private static LogReadResult Check(LogSegment segment, byte[] buffer, int read, long position, long startOffset, long start, long end)
    {
        var scan = RecordBatchScanner.Scan(buffer.AsSpan(0, read), validateCrc: true);
        bool cutByMaxBytes = scan.IsTornTail && position + read < segment.Size;
        if ((scan.IsComplete || cutByMaxBytes) && scan.ValidBytes > 0)
            return new LogReadResult(buffer, scan.ValidBytes, start, end);
        if (scan.ValidBytes > 0)
            return new LogReadResult(buffer, scan.ValidBytes, start, end); // the corrupt batch is reported when it is read first
        ArrayPool<byte>.Shared.Return(buffer);
        throw new LogCorruptException(segment.LogPath, position + Math.Max(0, scan.ErrorPosition), startOffset, scan.ErrorReason ?? scan.Error.ToString());
    }

    /// <summary>The first offset whose record timestamp is at least <paramref name="timestamp"/>, or null when none is.</summary>
    public TimestampAndOffset? OffsetForTimestamp(long timestamp) => RetryIfSwapped(() => FindOffsetForTimestamp(timestamp));

    private TimestampAndOffset? FindOffsetForTimestamp(long timestamp)
    {
        var segments = Volatile.Read(ref _segments);
        long logStart = LogStartOffset;
        foreach (var segment in segments)
        {
            if (segment.MaxTimestamp < timestamp)
                continue;

            // Entries below the target bound every earlier record: start after the last such entry.
            long from = Math.Max(segment.TimeIndex.Lookup(timestamp, strict: true), segment.BaseOffset);
            using var reader = new BatchFileReader(segment.File, segment.LookupPosition(from), segment.Size, validateCrc: true);
            while (reader.MoveNext())
            {
                var batch = reader.CurrentBatch;
                if (batch.MaxTimestamp < timestamp || batch.LastOffset < logStart)
                    continue;
                if (!RecordCompression.CanDecompress(batch.Compression))
                    return new TimestampAndOffset(batch.MaxTimestamp, Math.Max(batch.BaseOffset, logStart));
                foreach (var record in batch.GetRecords())
                {
                    if (record.Timestamp >= timestamp && record.Offset >= logStart)
                        return new TimestampAndOffset(record.Timestamp, record.Offset);
                }
            }

            if (reader.Error != ScanError.None)
                throw new LogCorruptException(segment.LogPath, reader.ErrorPosition, from, reader.ErrorReason ?? reader.Error.ToString());
        }

        return null;
    }

    /// <summary>
    /// The record with the largest timestamp (the first such when several share it), or null for an empty log: what
    /// Kafka's ListOffsets answers for MAX_TIMESTAMP (-3). The segment is found from the segments' max timestamps and
    /// only the batch holding it is read; in a batch that cannot be decompressed it is the batch's last offset.
    /// </summary>
    public TimestampAndOffset? MaxTimestampAndOffset() => RetryIfSwapped(FindMaxTimestamp);

    // A segment swapped out by compaction or deleted by retention under the search: look again, as reads do.
    private static T RetryIfSwapped<T>(Func<T> search)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return search();
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
        }
    }

    private TimestampAndOffset? FindMaxTimestamp()
    {
        var segments = Volatile.Read(ref _segments);
        LogSegment? best = null;
        foreach (var segment in segments)
        {
            if (segment.MaxTimestamp > (best?.MaxTimestamp ?? RecordBatchLayout.NoTimestamp))
                best = segment;
        }

        if (best is null)
            return null;
        long maxTimestamp = best.MaxTimestamp;
        long batchLast = best.OffsetOfMaxTimestamp;
        using var reader = new BatchFileReader(best.File, best.LookupPosition(batchLast), best.Size, validateCrc: true);
        while (reader.MoveNext())
        {
            var batch = reader.CurrentBatch;
            if (batch.LastOffset < batchLast)
                continue;
            if (batch.TimestampType == TimestampType.LogAppendTime || !RecordCompression.CanDecompress(batch.Compression))
                return new TimestampAndOffset(batch.MaxTimestamp, batch.TimestampType == TimestampType.LogAppendTime ? batch.BaseOffset : batch.LastOffset);
            foreach (var record in batch.GetRecords())
            {
                if (record.Timestamp == batch.MaxTimestamp)
                    return new TimestampAndOffset(record.Timestamp, record.Offset);
            }

            return new TimestampAndOffset(batch.MaxTimestamp, batch.LastOffset);
        }

        if (reader.Error != ScanError.None)
            throw new LogCorruptException(best.LogPath, reader.ErrorPosition, batchLast, reader.ErrorReason ?? reader.Error.ToString());
        return new TimestampAndOffset(maxTimestamp, batchLast);
    }

    // ------------------------------------------------------------------ close

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _requests.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _maintenance.WaitAsync().ConfigureAwait(false);
        try
        {
            FlushActive();
            WriteCheckpoint();
        }
        finally
        {
            foreach (var segment in Volatile.Read(ref _segments))
                segment.Dispose();
            _group.Dispose();
            _maintenance.Release();
            _maintenance.Dispose();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Closes the log and removes its directory (renamed away first: see <see cref="DirectoryRemoval"/>).</summary>
    public async Task DeleteAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        DirectoryRemoval.Delete(Directory);
    }

    private enum RequestKind
    {
        Append,
        Flush,
    }

    private sealed class Request(RequestKind kind)
    {
        public RequestKind Kind { get; } = kind;

        public ReadOnlyMemory<byte> Batches { get; init; }

        public bool AsLeader { get; init; }

        public int? LeaderEpoch { get; set; }

        public int BatchCount { get; set; }

        public long RecordCount { get; set; }

        public long OffsetSpan { get; set; }

        public long FirstOffset { get; set; }

        public long LastOffset { get; set; }

        public long MaxTimestamp { get; set; } = RecordBatchLayout.NoTimestamp;

        public long AssignedFirst { get; set; }

        public long AssignedLast { get; set; }

        public long Position { get; set; }

        public long SegmentBaseOffset { get; set; }

        public TaskCompletionSource<LogAppendInfo> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception e) => Completion.TrySetException(e);
    }

    /// <summary>A pooled contiguous buffer holding one group commit.</summary>
    private sealed class WriteGroup : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);

        public int Length { get; private set; }

        public List<Request> Requests { get; } = [];

        public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

        public Span<byte> Append(ReadOnlySpan<byte> bytes)
        {
            if (_buffer.Length - Length < bytes.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + bytes.Length));
                _buffer.AsSpan(0, Length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            var target = _buffer.AsSpan(Length, bytes.Length);
            bytes.CopyTo(target);
            Length += bytes.Length;
            return target;
        }

        public void Reset()
        {
            Length = 0;
            Requests.Clear();
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
