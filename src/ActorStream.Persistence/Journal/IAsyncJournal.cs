namespace ActorStream.Persistence;

/// <summary>
/// The journal contract, in the shape of Akka's AsyncWriteJournal. Writes are atomic per
/// <see cref="AtomicWrite"/>; a write may be rejected (the returned list holds its exception, the actor
/// goes on) or fail (the task faults, the actor stops, since the journal's state is unknown).
/// </summary>
public interface IAsyncJournal
{
    /// <summary>One result per write, in order: null when written, the reason when rejected (e.g. unserializable).</summary>
    Task<IReadOnlyList<Exception?>> WriteMessagesAsync(IReadOnlyList<AtomicWrite> writes);

    /// <summary>
    /// Replays, in order, the events that contain a sequence number in [from, to], at most <paramref name="max"/>
    /// of them. An event whose range starts before <paramref name="fromSequenceNr"/> but reaches it is included.
    /// </summary>
    Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed);

    /// <summary>The highest sequence number ever written for the id (even if deleted since); 0 if none.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr);

    /// <summary>Deletes every event whose last sequence number is at most <paramref name="toSequenceNr"/>.</summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr);
}

/// <summary>Thrown back to a writer whose events the journal refused; the actor stays alive.</summary>
public sealed class JournalRejectedException(string message, Exception? inner = null) : Exception(message, inner);
