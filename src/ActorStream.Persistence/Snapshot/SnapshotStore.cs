namespace ActorStream.Persistence;

public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, long Timestamp = 0);

public sealed record SelectedSnapshot(SnapshotMetadata Metadata, object Snapshot);

/// <summary>Which snapshots qualify: at most this sequence number and timestamp.</summary>
public sealed record SnapshotSelectionCriteria(long MaxSequenceNr, long MaxTimestamp = long.MaxValue, long MinSequenceNr = 0)
{
    public static readonly SnapshotSelectionCriteria Latest = new(long.MaxValue);

    public static readonly SnapshotSelectionCriteria None = new(0, 0);

    public bool Matches(SnapshotMetadata metadata) =>
        metadata.SequenceNr <= MaxSequenceNr && metadata.SequenceNr >= MinSequenceNr && metadata.Timestamp <= MaxTimestamp;
}

/// <summary>The snapshot-store contract, in the shape of Akka's.</summary>
public interface ISnapshotStore
{
    /// <summary>The newest snapshot that matches, or null.</summary>
    Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria);

    Task SaveAsync(SnapshotMetadata metadata, object snapshot);

    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria);
}

public sealed class MemorySnapshotStore : ISnapshotStore
{
    private readonly List<SelectedSnapshot> _snapshots = [];
    private readonly Lock _lock = new();

    public Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        lock (_lock)
        {
            return Task.FromResult(_snapshots
                .Where(s => s.Metadata.PersistenceId == persistenceId && criteria.Matches(s.Metadata))
                .MaxBy(s => s.Metadata.SequenceNr));
        }
    }

    public Task SaveAsync(SnapshotMetadata metadata, object snapshot)
    {
        lock (_lock)
        {
            _snapshots.RemoveAll(s => s.Metadata.PersistenceId == metadata.PersistenceId && s.Metadata.SequenceNr == metadata.SequenceNr);
            _snapshots.Add(new SelectedSnapshot(metadata, snapshot));
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        lock (_lock)
        {
            _snapshots.RemoveAll(s => s.Metadata.PersistenceId == persistenceId && criteria.Matches(s.Metadata));
        }

        return Task.CompletedTask;
    }
}
