using System.Diagnostics.CodeAnalysis;
using ActorStream.Records;
using Microsoft.Extensions.Logging;

namespace ActorStream.Persistence.SegmentLog;

public sealed partial class Log
{
    /// <summary>
    /// Compacts the log (cleanup.policy contains compact), as Kafka's cleaner does: keeps the latest record per key
    /// and every keyless record, preserving offsets; drops tombstones delete.retention.ms after the pass that first
    /// kept them, as Kafka 3.1+ does (KIP-534): that pass stamps a delete horizon of broker time into their batch,
    /// so neither the producer's timestamps nor merging with newer segments decide when they go. It runs only when
    /// due: the dirty part (segments appended since the last pass, from the cleaner checkpoint on) is at least
    /// min.cleanable.dirty.ratio of the compactable log, or its oldest record is older than max.compaction.lag.ms,
    /// or the delete horizon of kept tombstones has passed. The active segment and segments holding records younger
    /// than min.compaction.lag.ms are never compacted. Keys are taken from the dirty part only; every compactable
    /// segment is then rewritten without the records they supersede. Neighbouring segments that together fit in
    /// segment.bytes (and in the index limit and an int of relative offsets) are rewritten into one, so a compacted
    /// log does not pile up ever smaller segments. Each changed group goes to <c>.cleaned</c> files named for its
    /// first segment, renamed to <c>.swap</c> and swapped in for the whole group; recovery finishes an interrupted
    /// swap. Batches that cannot be decoded, and control batches, are kept byte for byte.
    /// </summary>
    /// <exception cref="LogCorruptException">A compactable segment holds a corrupt batch; nothing is swapped.</exception>
    public CleanerStats Compact()
    {
        if (!Config.CleanupPolicy.HasFlag(CleanupPolicy.Compact))
            return CleanerStats.None;

        _maintenance.Wait();
        try
        {
            var config = Config;
            long now = NowMs;
            var segments = Volatile.Read(ref _segments);
            int compactable = segments.Length - 1; // never the active segment
            for (int i = 0; i < compactable; i++)
            {
                if (config.MinCompactionLagMs > 0 && segments[i].MaxTimestamp > now - config.MinCompactionLagMs)
                {
                    compactable = i;
                    break;
                }
            }

            if (compactable == 0)
                return CleanerStats.None;

            // Segments wholly below the log start offset are retention's to delete; merged into later ones, they
            // would cross the start and stay on disk.
            int first = 0;
            long logStart = LogStartOffset;
            while (first < compactable && segments[first + 1].BaseOffset <= logStart)
                first++;
            if (first >= compactable)
                return CleanerStats.None;
            var candidates = segments[first..compactable];
            long end = segments[compactable].BaseOffset;
            long firstDirty = Math.Clamp(Volatile.Read(ref _firstDirtyOffset), candidates[0].BaseOffset, end);
            // A segment is dirty when any of it is at or past the checkpoint (after a recovery truncation the checkpoint
            // may fall inside one).
            var dirty = candidates.Where((segment, i) => (i + 1 < candidates.Length ? candidates[i + 1].BaseOffset : end) > firstDirty).ToArray();
            long dirtyBytes = dirty.Sum(segment => segment.Size);
            long totalBytes = candidates.Sum(segment => segment.Size);
            double ratio = totalBytes == 0 ? 0 : (double)dirtyBytes / totalBytes;
            bool overdue = dirty.Length > 0 && config.MaxCompactionLagMs != long.MaxValue
                && dirty[0].FirstBatchTimestamp != RecordBatchLayout.NoTimestamp && dirty[0].FirstBatchTimestamp < now - config.MaxCompactionLagMs;
            bool tombstonesDue = now >= Volatile.Read(ref _tombstonesDueMs);
            if (!(dirtyBytes > 0 && ratio >= config.MinCleanableDirtyRatio) && !overdue && !tombstonesDue)
                return CleanerStats.None with { DirtyRatio = ratio };

            var latest = BuildOffsetMap(dirty);
            int cleaned = 0;
            int written = 0;
            long removed = 0;
            long tombstones = 0;
            long before = 0;
            long after = 0;
            int undecodable = 0;
            long nextTombstoneDue = long.MaxValue;
            foreach (var group in GroupBySize(candidates, end, config))
            {
                var result = CleanGroup(group, latest, now, logStart);
                undecodable += result.Undecodable;
                nextTombstoneDue = Math.Min(nextTombstoneDue, result.TombstonesDueMs);
                if (result.Replacement is null)
                    continue;

                before += group.Sum(segment => segment.Size);
                after += result.Replacement.Size;
                removed += result.Removed;
                tombstones += result.Tombstones;
                cleaned += group.Length;
                written++;
                Swap(group, result.Replacement);
            }

            WriteCleanerCheckpoint(end, nextTombstoneDue);
            Volatile.Write(ref _firstDirtyOffset, end);
            Volatile.Write(ref _tombstonesDueMs, nextTombstoneDue);
            return new CleanerStats(cleaned, removed, tombstones, before, after, undecodable) { DirtyRatio = ratio, Ran = true, SegmentsWritten = written };
        }
        finally
        {
            _maintenance.Release();
        }
    }

    private Dictionary<byte[], long> BuildOffsetMap(LogSegment[] dirty)
    {
        var map = new Dictionary<byte[], long>(ByteArrayComparer.Instance);
        var lookup = map.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var segment in dirty)
        {
            using var reader = new BatchFileReader(segment.File, 0, segment.Size, validateCrc: true);
            while (reader.MoveNext())
            {
                var batch = reader.CurrentBatch;
                if (batch.IsControl || !RecordCompression.CanDecompress(batch.Compression))
                    continue;
                try
                {
                    foreach (var record in batch.GetRecords())
                    {
                        if (!record.IsKeyNull)
                            lookup[record.Key] = record.Offset;
                    }
                }
                catch (CorruptRecordException)
                {
                    // Its records cannot be read (CleanGroup keeps it and warns): it supersedes nothing.
                }
            }

            ThrowIfCorrupt(segment, reader);
        }

        return map;
    }

    private static void ThrowIfCorrupt(LogSegment segment, BatchFileReader reader)
    {
        if (reader.Error != ScanError.None)
            throw new LogCorruptException(segment.LogPath, reader.ErrorPosition, -1, reader.ErrorReason ?? reader.Error.ToString());
    }

    /// <summary>
    /// Kafka's groupSegmentsBySize: runs of neighbouring segments whose sizes add up to at most segment.bytes, whose
    /// index entries fit one index, and whose offsets stay within an int of the first base offset (the indexes hold
    /// offsets relative to it). Sizes are taken before cleaning; a rebuilt batch is no bigger than the original but
    /// for recompression noise, hence the headroom below int.MaxValue (positions in a segment are ints).
    /// </summary>
    private static List<LogSegment[]> GroupBySize(LogSegment[] segments, long end, LogConfig config)
    {
        long maxBytes = Math.Min(config.SegmentBytes, int.MaxValue / 2);
        int maxOffsetEntries = config.MaxIndexSize / SparseIndex.EntrySizeOf(IndexKind.Offset);
        int maxTimeEntries = config.MaxIndexSize / SparseIndex.EntrySizeOf(IndexKind.Time);
        var groups = new List<LogSegment[]>();
        int first = 0;
        while (first < segments.Length)
        {
            long size = segments[first].Size;
            long offsetEntries = segments[first].OffsetIndex.Count;
            long timeEntries = segments[first].TimeIndex.Count;
            int next = first + 1;
            while (next < segments.Length)
            {
                var candidate = segments[next];
                long lastOffset = (next + 1 < segments.Length ? segments[next + 1].BaseOffset : end) - 1;
                if (size + candidate.Size > maxBytes
                    || offsetEntries + candidate.OffsetIndex.Count >= maxOffsetEntries
                    || timeEntries + candidate.TimeIndex.Count >= maxTimeEntries
                    || lastOffset - segments[first].BaseOffset > int.MaxValue)
                {
                    break;
                }

                size += candidate.Size;
                offsetEntries += candidate.OffsetIndex.Count;
                timeEntries += candidate.TimeIndex.Count;
                next++;
            }

            groups.Add(segments[first..next]);
            first = next;
        }

        return groups;
    }

    /// <summary>
    /// Rewrites a group of segments into one <c>.cleaned</c> segment named for the first, without the records that
    /// <paramref name="latest"/> supersedes, without the tombstones of batches whose delete horizon has passed, and
    /// without batches below the log start offset; a batch that keeps a tombstone without a horizon gets one.
    /// Returns no replacement when a single segment would come out unchanged, and when the kept tombstones are due
    /// (the earliest delete horizon of a batch that keeps one; <see cref="long.MaxValue"/> when none is kept).
    /// </summary>
    [SuppressMessage("Reliability", "CA2000", Justification = "The replacement is handed to the caller or disposed on every path.")]
    private (LogSegment? Replacement, long Removed, long Tombstones, int Undecodable, long TombstonesDueMs) CleanGroup(
        LogSegment[] group, Dictionary<byte[], long> latest, long now, long logStart)
    {
        long retentionMs = Config.DeleteRetentionMs;
        long newHorizon = now > long.MaxValue - retentionMs ? long.MaxValue : now + retentionMs;
        var lookup = latest.GetAlternateLookup<ReadOnlySpan<byte>>();
        long baseOffset = group[0].BaseOffset;
        var output = LogSegment.Create(Directory, baseOffset, Config, group[^1].CreatedMs, LogSegment.CleanedSuffix);
        long removed = 0;
        long tombstones = 0;
        int undecodable = 0;
        long tombstonesDue = long.MaxValue;
        bool changed = group.Length > 1;
        long position = 0;
        using var builder = new RecordBatchBuilder();
        try
        {
            foreach (var segment in group)
            {
                using var reader = new BatchFileReader(segment.File, 0, segment.Size, validateCrc: true);
                while (reader.MoveNext())
                {
                    var batch = reader.CurrentBatch;
                    ReadOnlySpan<byte> bytes = reader.Current;
                    // KIP-534: a batch's tombstones go once the delete horizon stamped into it when it was first cleaned has passed.
                    bool dropTombstones = batch.HasDeleteHorizon && batch.DeleteHorizonMs <= now;
                    bool keepsTombstone = false;
                    if (batch.LastOffset < logStart)
                    {
                        // Below the log start offset (DeleteRecords): gone for readers already, and a segment that
                        // crosses the start is never deleted whole, so the cleaner drops it from disk.
                        changed = true;
                        removed += batch.RecordCount;
                        continue;
                    }

                    if (!batch.IsControl && !RecordCompression.CanDecompress(batch.Compression))
                    {
                        undecodable++;
                        _logger.LogWarning(
                            "Segment log cleaner: batch [{Base}, {Last}] in {File} is compressed with {Codec}, which this build cannot decode; kept unchanged",
                            batch.BaseOffset, batch.LastOffset, segment.LogPath, batch.Compression);
                    }
                    else if (!batch.IsControl)
                    {
                        int kept = 0;
                        int total = 0;
                        long batchTombstones = 0;
                        string? unreadable = null;
                        try
                        {
                            foreach (var record in batch.GetRecords())
                            {
                                total++;
                                if (Keep(record, lookup, dropTombstones, ref batchTombstones))
                                {
                                    kept++;
                                    keepsTombstone |= record.IsValueNull && !record.IsKeyNull;
                                }
                            }
                        }
                        catch (CorruptRecordException e)
                        {
                            // A producer's batch whose CRC holds but whose compressed records do not decode.
                            unreadable = e.Message;
                            undecodable++;
                            _logger.LogWarning(
                                "Segment log cleaner: batch [{Base}, {Last}] in {File} cannot be decoded ({Reason}); kept unchanged",
                                batch.BaseOffset, batch.LastOffset, segment.LogPath, e.Message);
                        }

                        if (unreadable is not null)
                            keepsTombstone = false; // kept whole and unread: it neither counts nor falls due
                        // A batch that keeps a tombstone and has no delete horizon yet gets one: now + delete.retention.ms, in
                        // broker time, whatever the producer's timestamps say.
                        bool stamp = unreadable is null && keepsTombstone && !batch.HasDeleteHorizon;
                        if (unreadable is null && (kept < total || stamp))
                        {
                            if (kept == 0)
                            {
                                changed = true;
                                removed += total;
                                tombstones += batchTombstones;
                                continue;
                            }

                            try
                            {
                                builder.ResetLike(batch, batch.Compression, stamp ? newHorizon : null);
                                long ignored = 0;
                                foreach (var record in batch.GetRecords())
                                {
                                    if (Keep(record, lookup, dropTombstones, ref ignored))
                                        builder.AppendCopy(record);
                                }

                                bytes = builder.Build().Span;
                                changed = true;
                                removed += total - kept;
                                tombstones += batchTombstones;
                            }
                            catch (ArgumentException e)
                            {
                                // Records a builder refuses (offsets out of order, a timestamp below -1): keep the batch as
                                // written (and the segment unchanged unless something else changed it).
                                undecodable++;
                                _logger.LogWarning(
                                    "Segment log cleaner: batch [{Base}, {Last}] in {File} cannot be rewritten ({Reason}); kept unchanged",
                                    batch.BaseOffset, batch.LastOffset, segment.LogPath, e.Message);
                            }
                        }
                    }

                    RandomAccess.Write(output.File, bytes, position);
                    var written = new RecordBatch(bytes);
                    output.OnBatchAppended(Config, position, written.BaseOffset, written.LastOffset, written.MaxTimestamp, written.SizeInBytes);
                    position += bytes.Length;
                    if (keepsTombstone && written.HasDeleteHorizon)
                        tombstonesDue = Math.Min(tombstonesDue, written.DeleteHorizonMs);
                }

                ThrowIfCorrupt(segment, reader);
            }

            if (!changed)
            {
                output.Dispose();
                LogSegment.DeleteAll(Directory, baseOffset, LogSegment.CleanedSuffix);
                return (null, 0, 0, undecodable, tombstonesDue);
            }

            output.PublishSize(position);
            output.OnBecomeInactive();
            output.Flush();
            return (output, removed, tombstones, undecodable, tombstonesDue);
        }
        catch
        {
            output.Dispose();
            LogSegment.DeleteAll(Directory, baseOffset, LogSegment.CleanedSuffix);
            throw;
        }
    }

    private static bool Keep(Record record, Dictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>> latest, bool dropTombstones, ref long tombstones)
    {
        if (record.IsKeyNull)
            return true;
        if (latest.TryGetValue(record.Key, out long newest) && newest > record.Offset)
            return false;
        if (record.IsValueNull && dropTombstones)
        {
            tombstones++;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Kafka's swap: cleaned → swap, originals → deleted, swap → live, then delete the originals. A crash in between
    /// leaves a .swap file that recovery puts in place of every segment it covers (see CleanLeftovers).
    /// </summary>
    private void Swap(LogSegment[] originals, LogSegment replacement)
    {
        try
        {
            replacement.RenameAll(LogSegment.CleanedSuffix, LogSegment.SwapSuffix);
            DirectorySync.Flush(Directory); // the .swap name is durable before any original is renamed away
        }
        catch
        {
            // Nothing swapped: the originals stay and the output goes (a .swap left here would replace them at the next start).
            replacement.Dispose();
            LogSegment.DeleteAll(Directory, replacement.BaseOffset, LogSegment.SwapSuffix);
            LogSegment.DeleteAll(Directory, replacement.BaseOffset, LogSegment.CleanedSuffix);
            throw;
        }

        lock (_structureLock)
        {
            foreach (var original in originals)
                original.RenameAll("", LogSegment.DeletedSuffix);
            replacement.RenameAll(LogSegment.SwapSuffix, "");
            var segments = new List<LogSegment>(_segments);
            int at = segments.IndexOf(originals[0]);
            segments.RemoveRange(at, originals.Length);
            segments.Insert(at, replacement);
            Volatile.Write(ref _segments, segments.ToArray());
        }

        try
        {
            DirectorySync.Flush(Directory);
        }
        finally
        {
            // Swapped in memory either way: the originals are closed and go.
            foreach (var original in originals)
            {
                original.Dispose();
                LogSegment.DeleteAll(Directory, original.BaseOffset, LogSegment.DeletedSuffix);
            }
        }
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
