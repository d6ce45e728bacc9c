using ActorStream.Records;

namespace ActorStream.Broker.Idempotence;

/// <summary>Where one appended batch of an idempotent producer landed: enough to answer its retry with the same offset.</summary>
public sealed record BatchMetadata(int FirstSequence, int LastSequence, long FirstOffset, long LastOffset, long Timestamp);

/// <summary>An idempotent producer's state on one partition: its epoch and its last (at most five) batches, oldest first.</summary>
public sealed record ProducerEntry(long ProducerId, short Epoch, IReadOnlyList<BatchMetadata> Batches, long LastTimestamp);

/// <summary>The producer table as a snapshot stores it (sequence number = the log end offset it covers).</summary>
public sealed record ProducerStateSnapshot(IReadOnlyList<ProducerEntry> Producers);

/// <summary>The verdict on a producer's batch.</summary>
public readonly record struct SequenceCheck(ErrorCode Error, BatchMetadata? Duplicate, string? Message)
{
    public static readonly SequenceCheck Accept = new(ErrorCode.None, null, null);

    public bool IsDuplicate => Duplicate is not null;
}

/// <summary>
/// Kafka's idempotence rules for one partition, after its ProducerStateManager: per producer id the current epoch and
/// the metadata of the last five batches (what a producer may have in flight, max.in.flight.requests.per.connection
/// = 5). A batch from an older epoch is fenced; a new epoch must start at sequence 0; a batch that repeats one of the
/// last five is a retry and is acknowledged with its original offsets instead of being appended again; any other gap
/// is OUT_OF_ORDER_SEQUENCE_NUMBER. The table is rebuilt from a snapshot plus the batches after it, so it survives a
/// restart.
/// </summary>
public sealed class ProducerStateManager
{
    /// <summary>Batches remembered per producer: the most a producer keeps in flight.</summary>
    public const int MaxRememberedBatches = 5;

    private readonly Dictionary<long, Entry> _producers = [];

    private sealed class Entry(short epoch)
    {
        public short Epoch = epoch;
        public readonly Queue<BatchMetadata> Batches = new(MaxRememberedBatches);
        public long LastTimestamp;
    }

    public int Count => _producers.Count;

    /// <summary>Checks a batch against the table without changing it.</summary>
    public SequenceCheck Check(long producerId, short epoch, int firstSequence, int lastSequence)
    {
        if (producerId < 0)
            return SequenceCheck.Accept; // not an idempotent producer

        if (!_producers.TryGetValue(producerId, out var entry) || entry.Batches.Count == 0)
        {
            // No state (a new producer, or all its batches were removed by retention): any sequence starts it, as
            // Kafka accepts since KIP-360, so a producer whose records expired is not stuck.
            return entry is not null && epoch < entry.Epoch ? Fenced(producerId, epoch, entry.Epoch) : SequenceCheck.Accept;
        }

        if (epoch < entry.Epoch)
            return Fenced(producerId, epoch, entry.Epoch);

        if (epoch > entry.Epoch)
        {
            return firstSequence == 0
                ? SequenceCheck.Accept
                : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, null,
                    $"producer {producerId} started epoch {epoch} at sequence {firstSequence}; a new epoch must start at 0");
        }

        foreach (var batch in entry.Batches)
        {
            if (batch.FirstSequence == firstSequence && batch.LastSequence == lastSequence)
                return new SequenceCheck(ErrorCode.None, batch, null);
        }

        int expected = RecordBatch.IncrementSequence(entry.Batches.Last().LastSequence, 1);
        return firstSequence == expected
            ? SequenceCheck.Accept
            : new SequenceCheck(ErrorCode.OutOfOrderSequenceNumber, null,
                $"producer {producerId} epoch {epoch} sent sequence {firstSequence}, expected {expected}");
    }

    /// <summary>Records an appended batch (on the write path, and when recovery replays the log).</summary>
    public void Update(long producerId, short epoch, BatchMetadata batch)
    {
        if (producerId < 0)
            return;

        if (!_producers.TryGetValue(producerId, out var entry))
        {
            entry = new Entry(epoch);
            _producers.Add(producerId, entry);
        }
        else if (epoch != entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Batches.Clear();
        }

        if (entry.Batches.Count == MaxRememberedBatches)
            entry.Batches.Dequeue();
        entry.Batches.Enqueue(batch);
        entry.LastTimestamp = Math.Max(entry.LastTimestamp, batch.Timestamp);
    }

    /// <summary>What <see cref="Restore"/> needs to undo updates of one producer: its entry as it was (null: none).</summary>
    public readonly record struct Memento(long ProducerId, ProducerEntry? Entry);

    /// <summary>Captures a producer's entry before tentative updates (a request whose later batch may yet be refused).</summary>
    public Memento Capture(long producerId) =>
        new(producerId, _producers.TryGetValue(producerId, out var entry) ? ToRecord(producerId, entry) : null);

    /// <summary>Puts a producer's entry back as captured.</summary>
    public void Restore(Memento memento)
    {
        if (memento.Entry is not { } captured)
        {
            _producers.Remove(memento.ProducerId);
            return;
        }

        _producers[memento.ProducerId] = FromRecord(captured);
    }

    /// <summary>Forgets producers idle for longer than producer.id.expiration.ms (Kafka's default is one day).</summary>
    public int RemoveExpired(long nowMs, long expirationMs)
    {
        var expired = _producers.Where(p => nowMs - p.Value.LastTimestamp > expirationMs).Select(p => p.Key).ToList();
        foreach (var id in expired)
            _producers.Remove(id);
        return expired.Count;
    }

    public ProducerStateSnapshot ToSnapshot() => new([.. _producers.Select(p => ToRecord(p.Key, p.Value))]);

    public void Load(ProducerStateSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _producers.Clear();
        foreach (var producer in snapshot.Producers)
            _producers[producer.ProducerId] = FromRecord(producer);
    }

    private static ProducerEntry ToRecord(long producerId, Entry entry) => new(producerId, entry.Epoch, [.. entry.Batches], entry.LastTimestamp);

    private static Entry FromRecord(ProducerEntry producer)
    {
        var entry = new Entry(producer.Epoch) { LastTimestamp = producer.LastTimestamp };
        foreach (var batch in producer.Batches.TakeLast(MaxRememberedBatches))
            entry.Batches.Enqueue(batch);
        return entry;
    }

    private static SequenceCheck Fenced(long producerId, short epoch, short current) =>
        new(ErrorCode.InvalidProducerEpoch, null, $"producer {producerId} epoch {epoch} is fenced by epoch {current}");
}
