using Microsoft.Extensions.Logging;

namespace ActorStream.Persistence.SegmentLog;

public sealed partial class Log
{
    /// <summary>
    /// Deletes whole segments, oldest first and never the active one, that are past retention.ms (by their
    /// max timestamp, per the injected clock), that keep the log above retention.bytes, or that lie wholly
    /// below the log start offset. Returns how many were deleted.
    /// </summary>
    public int DeleteOldSegments()
    {
        _maintenance.Wait();
        try
        {
            var segments = Volatile.Read(ref _segments);
            long now = NowMs;
            long logStart = LogStartOffset;
            bool delete = Config.CleanupPolicy.HasFlag(CleanupPolicy.Delete);
            long total = segments.Sum(s => s.Size);
            int count = 0;
            for (; count < segments.Length - 1; count++)
            {
                var segment = segments[count];
                bool belowStart = segments[count + 1].BaseOffset <= logStart;
                bool expired = delete && Config.RetentionMs >= 0 && now - segment.MaxTimestamp > Config.RetentionMs;
                bool oversize = delete && Config.RetentionBytes >= 0 && total - segment.Size >= Config.RetentionBytes;
                if (!belowStart && !expired && !oversize)
                    break;
                total -= segment.Size;
                _logger.LogInformation(
                    "Segment log {Directory}: deleting segment {File} ({Reason})",
                    Directory,
                    segment.LogPath,
                    belowStart ? "below log start offset" : expired ? $"max timestamp {segment.MaxTimestamp} older than retention.ms {Config.RetentionMs}" : $"log above retention.bytes {Config.RetentionBytes}");
            }

            if (count == 0)
                return 0;

            var doomed = segments[..count];
            lock (_structureLock)
            {
                Volatile.Write(ref _segments, _segments[count..]);
                Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, _segments[0].BaseOffset));
            }

            WriteCheckpoint();
            foreach (var segment in doomed)
            {
                // Rename first (Kafka's .deleted): a crash before the delete leaves files recovery removes.
                segment.RenameAll("", LogSegment.DeletedSuffix);
                segment.Dispose();
                LogSegment.DeleteAll(Directory, segment.BaseOffset, LogSegment.DeletedSuffix);
            }

            return count;
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>
    /// Advances the log start offset (Kafka's DeleteRecords) and deletes the segments wholly below it.
    /// Reads below the new start offset then fail with <see cref="OffsetOutOfRangeException"/>.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">The offset is above the log end offset.</exception>
    public void DeleteRecordsBefore(long offset)
    {
        long end = LogEndOffset;
        if (offset > end)
            throw new OffsetOutOfRangeException(offset, LogStartOffset, end);
        lock (_structureLock)
            Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, offset));
        DeleteOldSegments();
        WriteCheckpoint();
    }
}
