namespace ActorStream.Actors.Dispatch;

/// <summary>Runs mailboxes. One run processes up to <see cref="Throughput"/> messages before yielding the thread.</summary>
public interface IDispatcher
{
    int Throughput { get; }

    void Execute(IThreadPoolWorkItem work);
}

/// <summary>Runs mailboxes on the .NET thread pool; queueing a mailbox allocates nothing.</summary>
public sealed class ThreadPoolDispatcher(int throughput) : IDispatcher
{
    public int Throughput { get; } = throughput > 0
        ? throughput
        : throw new ArgumentOutOfRangeException(nameof(throughput), throughput, "Throughput must be at least 1.");

    public void Execute(IThreadPoolWorkItem work) => ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
}
