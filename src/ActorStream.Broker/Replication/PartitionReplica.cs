using System.Runtime.InteropServices;
using ActorStream.Actors;
using ActorStream.Broker.Idempotence;
using ActorStream.Persistence;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;
using Microsoft.Extensions.Logging;

namespace ActorStream.Broker.Replication;

/// <summary>
/// The leader replica of one partition: a persistent actor whose journal is the partition's own segment log, one
/// event per record batch, so sequence number = offset + 1 and recovery is a read of batch headers from the last
/// producer-state snapshot on. It validates producer batches (magic, CRC, size, idempotent sequences), assigns offsets
/// and the leader epoch in place, appends them unchanged otherwise (compressed batches are never opened), moves the
/// high watermark, and runs retention and compaction. With replication factor 1 the in-sync set is the leader alone,
/// so the high watermark is the log end offset once an append is written.
/// </summary>
public sealed class PartitionReplica : PersistentActor
{
    private readonly PartitionState _state;
    private readonly PartitionJournal _journal;
    private readonly ProducerStateManager _producers = new();
    private readonly ReplicaSettings _settings;
    private ReplicaPolicy _policy;
    private int _batchesSinceSnapshot;
    private long _snapshotSegment = -1;
    private bool _maintenanceRunning;
    private bool _stopping;

    public PartitionReplica(PartitionState state, ReplicaPolicy policy, ReplicaSettings settings)
    {
        _state = state;
        _policy = policy;
        _settings = settings;
        _journal = new PartitionJournal(state.Log);
    }

    protected override void PreStart()
    {
        base.PreStart();
        WarnIfCodecMissing();
    }

    private void WarnIfCodecMissing()
    {
        if (_policy.Compression is { } codec && !RecordCompression.CanCompress(codec))
        {
            Log.LogWarning("Partition {Partition}: compression.type is {Codec}, but this machine has no library to encode it (install liblz4 / libzstd); batches are stored as producers send them",
                TopicPartition, codec);
        }
    }

    public static Props Props(PartitionState state, ReplicaPolicy policy, ReplicaSettings settings) =>
        Actors.Props.Create(() => new PartitionReplica(state, policy, settings));

    public override string PersistenceId => _state.TopicPartition.ToString();

    protected override IAsyncJournal Journal => _journal;

    // A snapshot newer than the log (the log lost an unflushed tail in a machine crash) would skip offsets.
    protected override Recovery Recovery => new(new SnapshotSelectionCriteria(_state.Log.LogEndOffset));

    private TopicPartition TopicPartition => _state.TopicPartition;

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: ProducerStateSnapshot snapshot }:
                _producers.Load(snapshot);
                return true;
            case RecoveredBatch batch:
                if (batch.ProducerId >= 0)
                {
                    _producers.Update(batch.ProducerId, batch.ProducerEpoch, new BatchMetadata(
                        batch.BaseSequence, RecordBatch.IncrementSequence(batch.BaseSequence, batch.LastOffsetDelta), batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp));
                }

                return true;
            case RecoveryCompleted:
                // Recovery skipped any snapshot beyond the log end (taken before the log lost its tail); delete it, or
                // a later recovery, once the log has grown past it, would load producer state the log never kept.
                DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue, MinSequenceNr: _state.Log.LogEndOffset + 1));
                _state.AdvanceHighWatermark(_state.Log.LogEndOffset);
                Log.LogInformation("Partition {Partition} recovered: offsets [{Start}, {End}), {Producers} idempotent producer(s), leader epoch {Epoch}",
                    TopicPartition, _state.LogStartOffset, _state.LogEndOffset, _producers.Count, _state.LeaderEpoch);
                _snapshotSegment = _state.Log.ActiveSegmentBaseOffset;
                Context.Parent.Tell(new ReplicaReady(TopicPartition, _state.LogStartOffset, _state.LogEndOffset, _producers.Count));
                return true;
            default:
                return false;
        }
    }

    protected override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case AppendRecords append:
                Append(append);
                return true;
            case CheckRetention:
                RunMaintenance();
                return true;
            case MaintenanceDone done:
                OnMaintenanceDone(done);
                return true;
            case UpdateReplicaPolicy update:
                _policy = update.Policy;
                _state.Log.UpdateConfig(update.Policy.LogConfig);
                Log.LogInformation("Partition {Partition}: configs updated ({Policy})", TopicPartition, update.Policy.LogConfig.CleanupPolicy);
                WarnIfCodecMissing();
                return true;
            case StopReplica stop:
                Stop(stop);
                return true;
            case ReplicaClosed closed:
                closed.ReplyTo.Tell(new ReplicaStopped(TopicPartition));
                Context.Stop(Self);
                return true;
            case SaveSnapshotSuccess success:
                DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
                return true;
            case SaveSnapshotFailure failure:
                Log.LogWarning(failure.Cause, "Partition {Partition}: saving the producer-state snapshot failed; recovery will read more of the log", TopicPartition);
                return true;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                return true;
            default:
                return false;
        }
    }

    private void Append(AppendRecords append)
    {
        if (_stopping)
        {
            Sender.Tell(AppendResult.Failed(ErrorCode.NotLeaderOrFollower, $"{TopicPartition} is closing"));
            return;
        }

        // acks=all needs min.insync.replicas in sync; the in-sync set of a lone leader is one replica.
        const int inSyncReplicas = 1;
        if (append.RequiredAcks == -1 && inSyncReplicas < _policy.MinInsyncReplicas)
        {
            Sender.Tell(AppendResult.Failed(ErrorCode.NotEnoughReplicas,
                $"{TopicPartition} has {inSyncReplicas} in-sync replica(s), min.insync.replicas is {_policy.MinInsyncReplicas}"));
            return;
        }

        var records = MemoryMarshal.AsMemory(append.Records);
        var invalid = Validate(records.Span);
        if (invalid is null && _policy.Compression is { } codec && RecordCompression.CanCompress(codec))
            invalid = Recompress(ref records, codec); // a codec set where it could be encoded, now without its library: stored as sent
        if (invalid is not null)
        {
            Sender.Tell(invalid);
            return;
        }

        var events = new List<RecordBatchEvent>(1);
        long nextOffset = LastSequenceNr;
        long firstOffset = -1;
        long appendTime = _policy.TimestampType == TimestampType.LogAppendTime ? Context.System.Clock.UtcNow.ToUnixTimeMilliseconds() : -1;
        AppendResult? duplicate = null;
        var undo = new List<ProducerStateManager.Memento>(0);
        int position = 0;
        while (position < records.Length)
        {
            int size = RecordBatch.PeekSize(records.Span[position..]);
            var memory = records.Slice(position, size);
            position += size;
            var batch = new RecordBatch(memory.Span);
            int lastSequence = batch.LastSequence;
            var check = _producers.Check(batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, lastSequence);
            if (check.Error != ErrorCode.None)
            {
                // Nothing of this request is written: undo the producer-state updates of its earlier batches, or a
                // retry of one of them would be acknowledged as a duplicate of a batch that was never appended.
                for (int i = undo.Count - 1; i >= 0; i--)
                    _producers.Restore(undo[i]);
                Sender.Tell(AppendResult.Failed(check.Error, $"{TopicPartition}: {check.Message}"));
                return;
            }

            if (check.Duplicate is { } original)
            {
                // A retry of a batch already appended: acknowledge it with its first offset, append nothing.
                duplicate ??= new AppendResult(ErrorCode.None, null, original.FirstOffset, appendTime, _state.LogStartOffset);
                continue;
            }

            var span = memory.Span;
            int lastOffsetDelta = batch.LastOffsetDelta;
            long maxTimestamp = batch.MaxTimestamp;
            RecordBatch.SetBaseOffset(span, nextOffset);
            RecordBatch.SetPartitionLeaderEpoch(span, _state.LeaderEpoch);
            if (appendTime >= 0)
            {
                RecordBatch.SetLogAppendTime(span, appendTime);
                maxTimestamp = appendTime;
            }

            if (firstOffset < 0)
                firstOffset = nextOffset;
            if (batch.ProducerId >= 0 && position < records.Length)
                undo.Add(_producers.Capture(batch.ProducerId)); // another batch follows that may still be refused
            _producers.Update(batch.ProducerId, batch.ProducerEpoch,
                new BatchMetadata(batch.BaseSequence, lastSequence, nextOffset, nextOffset + lastOffsetDelta, maxTimestamp));
            nextOffset += lastOffsetDelta + 1;
            events.Add(new RecordBatchEvent(memory));
        }

        if (events.Count == 0)
        {
            // Every batch was a duplicate; answer after the writes before it, so the ack never overtakes the original.
            DeferAsync(duplicate!, reply => Sender.Tell(reply));
            return;
        }

        var result = new AppendResult(ErrorCode.None, null, firstOffset, appendTime, _state.LogStartOffset);
        int remaining = events.Count;
        PersistAllAsync(events, written =>
        {
            _state.AdvanceHighWatermark(new RecordBatch(written.Batch.Span).NextOffset);
            if (--remaining == 0)
            {
                Sender.Tell(result);
                MaybeSnapshot(events.Count);
            }
        });
    }

    // Everything Kafka checks before it accepts a producer batch, so a bad batch is refused whole, not half-written.
    private AppendResult? Validate(ReadOnlySpan<byte> records)
    {
        if (records.IsEmpty)
            return AppendResult.Failed(ErrorCode.InvalidRecord, $"{TopicPartition}: produce request without records");
        var scanner = new RecordBatchScanner(records, validateCrc: true);
        while (scanner.MoveNext())
        {
            var batch = scanner.Current;
            if (batch.SizeInBytes > _policy.MaxMessageBytes)
            {
                return AppendResult.Failed(ErrorCode.MessageTooLarge,
                    $"{TopicPartition}: batch of {batch.SizeInBytes} bytes exceeds max.message.bytes {_policy.MaxMessageBytes}");
            }

            if (batch.IsTransactional || batch.IsControl)
                return AppendResult.Failed(ErrorCode.InvalidRecord, $"{TopicPartition}: transactional batches are not supported");
            if (batch.HasDeleteHorizon)
            {
                // Only the log cleaner sets it (KIP-534): from a producer it would make the base timestamp a deadline
                // for the batch's tombstones.
                return AppendResult.Failed(ErrorCode.InvalidRecord, $"{TopicPartition}: a produced batch must not set the delete-horizon attribute (bit 6)");
            }
            if (batch.RecordCount != batch.LastOffsetDelta + 1 || batch.RecordCount <= 0)
                return AppendResult.Failed(ErrorCode.InvalidRecord, $"{TopicPartition}: batch says {batch.RecordCount} records but spans {batch.LastOffsetDelta + 1} offsets");
            if (CheckRecords(batch) is { } refused)
                return refused;
        }

        if (scanner.Error != ScanError.None)
        {
            var code = scanner.Error == ScanError.InvalidMagic ? ErrorCode.UnsupportedForMessageFormat : ErrorCode.CorruptMessage;
            return AppendResult.Failed(code, $"{TopicPartition}: {scanner.ErrorReason ?? scanner.Error.ToString()} at byte {scanner.ErrorPosition}");
        }

        return null;
    }

    // A topic whose compression.type names a codec stores every batch in it, as Kafka does: the one append that
    // rewrites a producer's batch (offsets, producer fields and records unchanged). Refused when it grows too big.
    private AppendResult? Recompress(ref Memory<byte> records, CompressionType codec)
    {
        var scanner = new RecordBatchScanner(records.Span, validateCrc: false);
        bool differs = false;
        while (scanner.MoveNext())
            differs |= scanner.Current.Compression != codec && !scanner.Current.IsControl;
        if (!differs)
            return null;
        try
        {
            var output = new List<byte[]>();
            int position = 0;
            while (position < records.Length)
            {
                int size = RecordBatch.PeekSize(records.Span[position..]);
                var converted = RecordBatchBuilder.Recompress(records.Span.Slice(position, size), codec);
                if (converted.Length > _policy.MaxMessageBytes)
                {
                    return AppendResult.Failed(ErrorCode.MessageTooLarge,
                        $"{TopicPartition}: batch of {converted.Length} bytes in {codec} (compression.type) exceeds max.message.bytes {_policy.MaxMessageBytes}");
                }

                output.Add(converted);
                position += size;
            }

            records = output.Count == 1 ? output[0] : output.SelectMany(b => b).ToArray();
            return null;
        }
        catch (Exception e) when (e is CorruptRecordException or UnsupportedCompressionException or ArgumentException)
        {
            // ArgumentException: records a builder refuses (offsets out of order, a timestamp below -1).
            return AppendResult.Failed(ErrorCode.CorruptMessage, $"{TopicPartition}: cannot recompress to {codec}: {e.Message}");
        }
    }

    // The checks that read inside a batch, in one pass over its records, as Kafka's LogValidator makes them: a
    // compacted topic refuses keyless records (compaction keeps the latest record per key, so a keyless one has no
    // place there), and message.timestamp.before.max.ms / after.max.ms (KIP-937) bound CreateTime timestamps of the
    // keyed ones. A timestamp error wins over a key error, as in Kafka. Other topics never decode a batch here.
    private AppendResult? CheckRecords(RecordBatch batch)
    {
        bool requireKeys = _policy.LogConfig.CleanupPolicy.HasFlag(CleanupPolicy.Compact);
        bool checkTimestamps = _policy.TimestampType == TimestampType.CreateTime
            && (_policy.TimestampBeforeMaxMs != long.MaxValue || _policy.TimestampAfterMaxMs != long.MaxValue);
        if (!requireKeys && !checkTimestamps)
            return null;

        long now = Context.System.Clock.UtcNow.ToUnixTimeMilliseconds();
        long earliest = !checkTimestamps || _policy.TimestampBeforeMaxMs == long.MaxValue ? long.MinValue : now - _policy.TimestampBeforeMaxMs;
        long latest = !checkTimestamps || _policy.TimestampAfterMaxMs > long.MaxValue - now ? long.MaxValue : now + _policy.TimestampAfterMaxMs;
        AppendResult OutOfRange(long timestamp, long offsetDelta) => AppendResult.Failed(ErrorCode.InvalidTimestamp,
            $"Timestamp {timestamp} of message with offset delta {offsetDelta} is out of range for {TopicPartition}: it should be within [{earliest}, {latest}] (message.timestamp.before.max.ms / after.max.ms around the broker's clock {now})");
        if (!RecordCompression.CanDecompress(batch.Compression) || (!requireKeys && earliest == long.MinValue))
        {
            // Without looking inside (no codec here; the cleaner keeps such a batch whole, keys or not), or when only
            // the future side is bounded: the batch's max and base timestamps are the ones to check.
            if (batch.MaxTimestamp > latest)
                return OutOfRange(batch.MaxTimestamp, batch.LastOffsetDelta);
            return batch.BaseTimestamp != RecordBatchLayout.NoTimestamp && batch.BaseTimestamp < earliest ? OutOfRange(batch.BaseTimestamp, 0) : null;
        }

        AppendResult? keyless = null;
        try
        {
            foreach (var record in batch.GetRecords())
            {
                if (requireKeys && record.IsKeyNull)
                {
                    keyless ??= AppendResult.Failed(ErrorCode.InvalidRecord,
                        $"Compacted topic cannot accept message without key in topic partition {TopicPartition} (offset delta {record.Offset - batch.BaseOffset} of the batch)");
                    continue;
                }

                // As Kafka: a record without a timestamp (-1, e.g. converted from message format v0) is not checked.
                if (record.Timestamp != RecordBatchLayout.NoTimestamp && (record.Timestamp < earliest || record.Timestamp > latest))
                    return OutOfRange(record.Timestamp, record.Offset - batch.BaseOffset);
            }
        }
        catch (CorruptRecordException e)
        {
            return AppendResult.Failed(ErrorCode.CorruptMessage, $"{TopicPartition}: {e.Message}");
        }

        return keyless;
    }

    // Every snapshot-interval batches, and at every roll of the log, as Kafka does: then recovery replays only the
    // batches of the segment being written, which compaction never touches, so producer state rebuilt after a crash
    // has every producer's last sequence even when compaction removed that batch from an older segment.
    private void MaybeSnapshot(int batches)
    {
        _batchesSinceSnapshot += batches;
        long active = _state.Log.ActiveSegmentBaseOffset;
        bool rolled = active != _snapshotSegment;
        if (_batchesSinceSnapshot >= _settings.SnapshotIntervalBatches || rolled)
        {
            _batchesSinceSnapshot = 0;
            _snapshotSegment = active;
            SaveSnapshot(_producers.ToSnapshot());
        }
    }

    private void RunMaintenance()
    {
        if (_maintenanceRunning || _stopping)
            return;
        _maintenanceRunning = true;
        long now = Context.System.Clock.UtcNow.ToUnixTimeMilliseconds();
        int expired = _producers.RemoveExpired(now, _settings.ProducerIdExpirationMs);
        if (expired > 0)
            Log.LogInformation("Partition {Partition}: forgot {Count} idempotent producer(s) idle longer than {Ms} ms", TopicPartition, expired, _settings.ProducerIdExpirationMs);
        var log = _state.Log;
        Task.Run(() =>
        {
            int deleted = log.DeleteOldSegments();
            var cleaned = log.Config.CleanupPolicy.HasFlag(CleanupPolicy.Compact) ? log.Compact() : null;
            return new MaintenanceDone(deleted, cleaned, null);
        }).PipeTo(Self, Self, done => done, e => new MaintenanceDone(0, null, e));
    }

    private void OnMaintenanceDone(MaintenanceDone done)
    {
        _maintenanceRunning = false;
        if (done.Failure is { } failure)
        {
            Log.LogError(failure, "Partition {Partition}: retention or compaction failed; it will be retried at the next check", TopicPartition);
            return;
        }

        if (done.SegmentsDeleted > 0)
        {
            Log.LogInformation("Partition {Partition}: retention deleted {Count} segment(s); log start offset is now {Start}",
                TopicPartition, done.SegmentsDeleted, _state.LogStartOffset);
        }

        if (done.Cleaned is { SegmentsCleaned: > 0 } stats)
        {
            Log.LogInformation("Partition {Partition}: compaction cleaned {Segments} segment(s) into {Written}, removed {Records} record(s) and {Tombstones} tombstone(s), {Before} -> {After} bytes",
                TopicPartition, stats.SegmentsCleaned, stats.SegmentsWritten, stats.RecordsRemoved, stats.TombstonesRemoved, stats.BytesBefore, stats.BytesAfter);
        }
    }

    private void Stop(StopReplica stop)
    {
        if (_stopping)
            return;
        _stopping = true;
        var replyTo = Sender;
        // After every write already asked for: the deferred handler runs once they are on disk.
        DeferAsync(stop, _ =>
        {
            _state.GoOffline();
            // Written before the log closes, so a clean restart replays nothing; StopAsync returns after both.
            var snapshot = !stop.Delete && _batchesSinceSnapshot > 0
                ? (new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.System.Clock.UtcNow.ToUnixTimeMilliseconds()), _producers.ToSnapshot())
                : default((SnapshotMetadata, ProducerStateSnapshot)?);
            CloseAsync(stop.Delete, snapshot).PipeTo(Self, Self, () => new ReplicaClosed(replyTo), e =>
            {
                Log.LogError(e, "Partition {Partition}: closing the log failed", TopicPartition);
                return new ReplicaClosed(replyTo);
            });
        });
    }

    private async Task CloseAsync(bool delete, (SnapshotMetadata Metadata, ProducerStateSnapshot State)? snapshot)
    {
        var log = _state.Log;
        var store = Persistence.Persistence.Get(Context.System).SnapshotStore;
        if (snapshot is { } last)
            await store.SaveAsync(last.Metadata, last.State).ConfigureAwait(false);
        if (delete)
        {
            await log.DeleteAsync().ConfigureAwait(false);
            await store.DeleteAsync(PersistenceId, SnapshotSelectionCriteria.Latest).ConfigureAwait(false);
            return;
        }

        await log.FlushAsync().ConfigureAwait(false);
        await log.DisposeAsync().ConfigureAwait(false);
    }

    protected override void PostStop()
    {
        // Stopped without StopReplica (a failure): release the files; the next incarnation reopens them.
        _state.GoOffline();
        if (!_stopping)
            _state.Log.Dispose();
        base.PostStop();
    }

    private sealed record MaintenanceDone(int SegmentsDeleted, CleanerStats? Cleaned, Exception? Failure);

    private sealed record ReplicaClosed(IActorRef ReplyTo);
}

/// <summary>Broker-wide settings of replicas (from actorstream.broker in HOCON).</summary>
public sealed record ReplicaSettings(int SnapshotIntervalBatches, long ProducerIdExpirationMs);
