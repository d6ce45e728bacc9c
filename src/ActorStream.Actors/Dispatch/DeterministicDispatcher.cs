using ActorStream.Actors.Scheduling;

namespace ActorStream.Actors.Dispatch;

/// <summary>
/// Runs mailboxes only when asked, one at a time on the caller's thread. Which ready mailbox runs next is
/// drawn from a seeded random source, so interleavings vary with the seed and repeat exactly for the same seed.
/// </summary>
public sealed class DeterministicDispatcher(IRandomSource random, int throughput = 1) : IDispatcher
{
    private readonly List<IThreadPoolWorkItem> _ready = [];
    private readonly Lock _lock = new();

    public int Throughput { get; } = throughput;

    public int ReadyCount
    {
        get
        {
            lock (_lock)
            {
                return _ready.Count;
            }
        }
    }

    public void Execute(IThreadPoolWorkItem work)
    {
        lock (_lock)
        {
            _ready.Add(work);
        }
    }

    /// <summary>Runs one ready mailbox; false if none is ready.</summary>
    public bool RunOne()
    {
        IThreadPoolWorkItem work;
        lock (_lock)
        {
            if (_ready.Count == 0)
            {
                return false;
            }

            var index = _ready.Count == 1 ? 0 : random.Next(_ready.Count);
            work = _ready[index];
            _ready.RemoveAt(index);
        }

        work.Execute();
        return true;
    }
}
