namespace ActorStream.Persistence;

/// <summary>The last message of recovery, after the snapshot offer and every replayed event.</summary>
public sealed class RecoveryCompleted
{
    public static readonly RecoveryCompleted Instance = new();

    private RecoveryCompleted()
    {
    }

    public override string ToString() => "RecoveryCompleted";
}

/// <summary>Offered to ReceiveRecover first when a snapshot was found.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

public sealed record DeleteMessagesSuccess(long ToSequenceNr);

public sealed record DeleteMessagesFailure(Exception Cause, long ToSequenceNr);

/// <summary>What to recover: from which snapshot, up to which sequence number, at most how many events.</summary>
public sealed record Recovery(SnapshotSelectionCriteria FromSnapshot, long ToSequenceNr = long.MaxValue, long ReplayMax = long.MaxValue)
{
    public static readonly Recovery Default = new(SnapshotSelectionCriteria.Latest);

    /// <summary>Skip recovery altogether (start empty, at sequence number 0).</summary>
    public static readonly Recovery None = new(SnapshotSelectionCriteria.None, 0, 0);
}

/// <summary>Messages between a persistent actor and its asynchronous journal calls; never seen by user code.</summary>
internal abstract record PersistenceProtocol;

internal sealed record RecoveryPermitGranted(long Generation) : PersistenceProtocol;

internal sealed record SnapshotLoaded(SelectedSnapshot? Snapshot, long Generation) : PersistenceProtocol;

internal sealed record EventReplayed(PersistentRepr Event, long Generation) : PersistenceProtocol;

internal sealed record ReplayCompleted(long HighestSequenceNr, long Generation) : PersistenceProtocol;

internal sealed record RecoveryStepFailed(Exception Cause, long Generation) : PersistenceProtocol;

internal sealed record WriteCompleted(IReadOnlyList<Exception?>? Results, Exception? Failure, long Generation) : PersistenceProtocol;
