using ActorStream.Broker.Groups;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>How <see cref="InMemoryGroupLog"/> answers a write.</summary>
public enum WriteMode
{
    /// <summary>Commits the batch and completes the write at once (a completed task: no thread-pool continuation).</summary>
    Immediate,

    /// <summary>Keeps the write pending until the test completes it with <see cref="InMemoryGroupLog.CompleteHeld"/>.</summary>
    Hold,

    /// <summary>Completes the write at once with <see cref="InMemoryGroupLog.FailureCode"/>; nothing is committed.</summary>
    Fail,
}

/// <summary>
/// An <see cref="IGroupLog"/> for testing a coordinator alone: committed batches are kept in order (to assert on, or to
/// resume a coordinator from), and a write can complete at once, wait for the test, or fail. Everything runs on the
/// test's thread in virtual time, so it needs no locking.
/// </summary>
public sealed class InMemoryGroupLog : IGroupLog
{
    private readonly Queue<HeldWrite> _held = new();

    public WriteMode Mode { get; set; } = WriteMode.Immediate;

    /// <summary>What a write fails with in <see cref="WriteMode.Fail"/>.</summary>
    public ErrorCode FailureCode { get; set; } = ErrorCode.NotEnoughReplicas;

    /// <summary>Every committed record, in log order.</summary>
    public List<(byte[] Key, byte[]? Value)> Records { get; } = [];

    /// <summary>Every committed batch, in log order.</summary>
    public List<IReadOnlyList<(byte[] Key, byte[]? Value)>> Batches { get; } = [];

    /// <summary>How many writes the coordinator started (committed, held or failed).</summary>
    public int Appends { get; private set; }

    public int HeldCount => _held.Count;

    /// <summary>The records of the oldest write still held.</summary>
    public IReadOnlyList<(byte[] Key, byte[]? Value)> PeekHeld() => _held.Peek().Records;

    public Task<ErrorCode> AppendAsync(IReadOnlyList<(byte[] Key, byte[]? Value)> records)
    {
        Appends++;
        var copy = records.ToList();
        switch (Mode)
        {
            case WriteMode.Immediate:
                Commit(copy);
                return Task.FromResult(ErrorCode.None);
            case WriteMode.Fail:
                return Task.FromResult(FailureCode);
            default:
                var completion = new TaskCompletionSource<ErrorCode>();
                _held.Enqueue(new HeldWrite(copy, completion));
                return completion.Task;
        }
    }

    /// <summary>Completes the oldest held write: committed when <paramref name="error"/> is None, else failed.</summary>
    public void CompleteHeld(ErrorCode error = ErrorCode.None)
    {
        var write = _held.Dequeue();
        if (error == ErrorCode.None)
            Commit(write.Records);
        // The coordinator's PipeTo continuation runs synchronously here and only tells the actor.
        write.Completion.SetResult(error);
    }

    /// <summary>The groups as a coordinator starting now would load them from the committed records.</summary>
    public Dictionary<string, LoadedGroup> Load()
    {
        var groups = new Dictionary<string, LoadedGroup>(StringComparer.Ordinal);
        foreach (var (key, value) in Records)
            GroupRecords.Apply(groups, key, value, value is null);
        return groups;
    }

    /// <summary>The committed records under <paramref name="key"/>, in log order (null values are tombstones).</summary>
    public IReadOnlyList<byte[]?> ValuesOf(byte[] key) => [.. Records.Where(r => r.Key.AsSpan().SequenceEqual(key)).Select(r => r.Value)];

    private void Commit(List<(byte[] Key, byte[]? Value)> records)
    {
        Records.AddRange(records);
        Batches.Add(records);
    }

    private sealed record HeldWrite(List<(byte[] Key, byte[]? Value)> Records, TaskCompletionSource<ErrorCode> Completion);
}
