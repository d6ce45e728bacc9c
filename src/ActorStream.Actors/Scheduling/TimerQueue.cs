namespace ActorStream.Actors.Scheduling;

/// <summary>
/// Pending scheduled work ordered by (due time, insertion order). Shared by the real-time and virtual-time
/// schedulers so both fire in exactly the same order; ties are broken by scheduling order, never by chance.
/// Not thread-safe: callers lock.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<ScheduledItem, (TimeSpan Due, long Seq)> _queue = new();
    private long _seq;

    public int Count => _queue.Count;

    public void Add(ScheduledItem item) => _queue.Enqueue(item, (item.Due, _seq++));

    public bool TryPeekDue(out TimeSpan due)
    {
        while (_queue.TryPeek(out var item, out var priority))
        {
            if (!item.IsCancellationRequested)
            {
                due = priority.Due;
                return true;
            }

            _queue.Dequeue();
        }

        due = default;
        return false;
    }

    /// <summary>Removes and returns the earliest live item due at or before <paramref name="now"/>.</summary>
    public ScheduledItem? TakeDue(TimeSpan now)
    {
        while (_queue.TryPeek(out var item, out var priority))
        {
            if (item.IsCancellationRequested)
            {
                _queue.Dequeue();
                continue;
            }

            if (priority.Due > now)
            {
                return null;
            }

            _queue.Dequeue();
            return item;
        }

        return null;
    }

    public void Clear() => _queue.Clear();
}

internal sealed class ScheduledItem(TimeSpan due, TimeSpan? interval, Action action) : ICancelable
{
    private int _cancelled;

    public TimeSpan Due { get; set; } = due;

    public TimeSpan? Interval { get; } = interval;

    public Action Action { get; } = action;

    public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

    public bool Cancel() => Interlocked.Exchange(ref _cancelled, 1) == 0;

    /// <summary>Marks a one-shot item as done, so a later Cancel reports it had already run.</summary>
    public void MarkRun() => Interlocked.Exchange(ref _cancelled, 1);
}
