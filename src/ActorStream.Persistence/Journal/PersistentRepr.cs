namespace ActorStream.Persistence;

/// <summary>
/// An event as a journal stores it. It covers <see cref="Count"/> consecutive sequence numbers starting at
/// <see cref="SequenceNr"/>: a partition replica persists one RecordBatch of N records as one event
/// covering N offsets, so its sequence number is the Kafka offset. Other actors' events cover one.
/// </summary>
public sealed record PersistentRepr(string PersistenceId, long SequenceNr, object Payload, int Count = 1, long Timestamp = 0)
{
    public long LastSequenceNr => SequenceNr + Count - 1;
}

/// <summary>Events that are written all together or not at all.</summary>
public sealed record AtomicWrite(IReadOnlyList<PersistentRepr> Events)
{
    public string PersistenceId => Events[0].PersistenceId;

    public long LowestSequenceNr => Events[0].SequenceNr;

    public long HighestSequenceNr => Events[^1].LastSequenceNr;
}

/// <summary>Implemented by an event that covers more than one sequence number (a record batch, say).</summary>
public interface ISequenceRange
{
    int SequenceCount { get; }
}
