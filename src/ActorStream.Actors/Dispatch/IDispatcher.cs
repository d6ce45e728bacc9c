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

    // From a pool thread (an actor telling an actor) the local queue keeps the pair on one core and avoids the
    // global queue; other workers still steal from it, so nothing starves.
    public void Execute(IThreadPoolWorkItem work) =>
        ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: Thread.CurrentThread.IsThreadPoolThread);
}
