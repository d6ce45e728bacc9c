namespace ActorStream.Persistence;

/// <summary>A journal in memory, for tests and for state that need not survive the process.</summary>
public sealed class MemoryJournal : IAsyncJournal
{
    private readonly Dictionary<string, List<PersistentRepr>> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _highest = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A payload of this type is rejected, so tests can exercise OnPersistRejected.</summary>
    public Func<object, bool> Reject { get; init; } = _ => false;

    /// <summary>When set, every write fails (the task faults), so tests can exercise OnPersistFailure.</summary>
    public Func<AtomicWrite, bool> Fail { get; init; } = _ => false;

    public Task<IReadOnlyList<Exception?>> WriteMessagesAsync(IReadOnlyList<AtomicWrite> writes)
    {
        var results = new Exception?[writes.Count];
        lock (_lock)
        {
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (Fail(write))
                {
                    return Task.FromException<IReadOnlyList<Exception?>>(new IOException($"Simulated journal failure writing {write.PersistenceId}"));
                }

                if (write.Events.FirstOrDefault(e => Reject(e.Payload)) is { } rejected)
                {
                    results[i] = new JournalRejectedException($"Event of type {rejected.Payload.GetType().Name} was rejected");
                    continue;
                }

                if (!_events.TryGetValue(write.PersistenceId, out var list))
                {
                    _events[write.PersistenceId] = list = [];
                }

                list.AddRange(write.Events);
                _highest[write.PersistenceId] = Math.Max(_highest.GetValueOrDefault(write.PersistenceId), write.HighestSequenceNr);
            }
        }

        return Task.FromResult<IReadOnlyList<Exception?>>(results);
    }

    public Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed)
    {
        List<PersistentRepr> selected;
        lock (_lock)
        {
            selected = _events.TryGetValue(persistenceId, out var list)
                ? [.. list.Where(e => e.LastSequenceNr >= fromSequenceNr && e.SequenceNr <= toSequenceNr).Take((int)Math.Min(max, int.MaxValue))]
                : [];
        }

        foreach (var e in selected)
        {
            onReplayed(e);
        }

        return Task.CompletedTask;
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr)
    {
        lock (_lock)
        {
            return Task.FromResult(_highest.GetValueOrDefault(persistenceId));
        }
    }

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr)
    {
        lock (_lock)
        {
            if (_events.TryGetValue(persistenceId, out var list))
            {
                list.RemoveAll(e => e.LastSequenceNr <= toSequenceNr);
            }
        }

        return Task.CompletedTask;
    }
}
