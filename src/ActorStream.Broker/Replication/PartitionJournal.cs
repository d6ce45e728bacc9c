using ActorStream.Persistence;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Replication;

/// <summary>
/// What recovery replays of a partition's batch: its header only, since the replica rebuilds producer state and
/// offsets from headers and never needs the records again (they stay in the log for fetches).
/// </summary>
public sealed record RecoveredBatch(long BaseOffset, int LastOffsetDelta, long ProducerId, short ProducerEpoch, int BaseSequence, long MaxTimestamp)
    : ISequenceRange
{
    public int SequenceCount => LastOffsetDelta + 1;

    public long LastOffset => BaseOffset + LastOffsetDelta;
}

/// <summary>
/// A partition replica's journal: its own segment log, with offset = sequence number - 1. Each event is one record
/// batch, whose offsets the replica has already assigned, written unchanged; every write of one journal call goes to
/// the log's writer together, so batches from many producers share one write (group commit). Replay reads batch
/// headers from the snapshot's offset on.
/// </summary>
internal sealed class PartitionJournal(Log log) : IAsyncJournal
{
    private const int ReplayChunkBytes = 1024 * 1024;

    public async Task<IReadOnlyList<Exception?>> WriteMessagesAsync(IReadOnlyList<AtomicWrite> writes)
    {
        var appends = new List<Task<LogAppendInfo>>();
        foreach (var write in writes)
        {
            foreach (var repr in write.Events)
            {
                if (repr.Payload is not RecordBatchEvent batch)
                    throw new JournalRejectedException($"A partition log holds record batches only, not {repr.Payload.GetType().Name}.");
                appends.Add(log.AppendAsFollowerAsync(batch.Batch));
            }
        }

        // A failure (I/O, a full disk) faults the task, and the replica stops: its log's state is unknown.
        await Task.WhenAll(appends).ConfigureAwait(false);
        return new Exception?[writes.Count];
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed)
    {
        long offset = Math.Max(fromSequenceNr - 1, log.LogStartOffset);
        long replayed = 0;
        while (offset < log.LogEndOffset && replayed < max)
        {
            using var read = await log.ReadAsync(offset, ReplayChunkBytes).ConfigureAwait(false);
            long next = Replay(persistenceId, read.Records.Span, fromSequenceNr, toSequenceNr, max, ref replayed, onReplayed);
            if (next <= offset)
                return;
            offset = next;
        }
    }

    private static long Replay(string persistenceId, ReadOnlySpan<byte> records, long from, long to, long max, ref long replayed, Action<PersistentRepr> onReplayed)
    {
        var scanner = new RecordBatchScanner(records, validateCrc: false);
        long next = -1;
        while (scanner.MoveNext() && replayed < max)
        {
            var batch = scanner.Current;
            next = batch.NextOffset;
            if (batch.LastOffset + 1 < from)
                continue;
            if (batch.BaseOffset + 1 > to)
                return -1;
            var header = new RecoveredBatch(batch.BaseOffset, batch.LastOffsetDelta, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, batch.MaxTimestamp);
            onReplayed(new PersistentRepr(persistenceId, batch.BaseOffset + 1, header, batch.LastOffsetDelta + 1, batch.MaxTimestamp));
            replayed++;
        }

        return next;
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr) => Task.FromResult(log.LogEndOffset);

    /// <summary>Kafka's DeleteRecords: moves the log start offset (whole segments below it go at the next retention pass).</summary>
    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr)
    {
        log.DeleteRecordsBefore(Math.Min(toSequenceNr, log.LogEndOffset));
        return Task.CompletedTask;
    }
}
