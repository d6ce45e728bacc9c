namespace ActorStream.Actors.Scheduling;

/// <summary>
/// A scheduler whose time moves only when told to. Due items fire on the caller's thread in
/// (due time, scheduling order), and the clock reads each item's due time while it runs.
/// </summary>
public sealed class VirtualTimeScheduler : SchedulerBase, IClock
{
    private readonly TimerQueue _queue = new();
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _epoch;
    private TimeSpan _now;

    public VirtualTimeScheduler(DateTimeOffset? epoch = null) =>
        _epoch = epoch ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override IClock Clock => this;

    public DateTimeOffset UtcNow => _epoch + Elapsed;

    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return _now;
            }
        }
    }

    private protected override ScheduledItem Add(TimeSpan delay, TimeSpan? interval, Action action)
    {
        lock (_lock)
        {
            var item = new ScheduledItem(_now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay), interval, action);
            _queue.Add(item);
            return item;
        }
    }

    /// <summary>The due time of the next pending item, if any.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            lock (_lock)
            {
                return _queue.TryPeekDue(out var due) ? due : null;
            }
        }
    }

    /// <summary>Fires the single earliest item due at or before <paramref name="limit"/>; false if none.</summary>
    public bool FireNext(TimeSpan limit)
    {
        ScheduledItem? item;
        lock (_lock)
        {
            item = _queue.TakeDue(limit);
            if (item is null)
            {
                return false;
            }

            if (item.Due > _now)
            {
                _now = item.Due;
            }
        }

        if (item.Interval is null)
        {
            item.MarkRun();
        }

        item.Action();
        if (item.Interval is { } interval && !item.IsCancellationRequested)
        {
            lock (_lock)
            {
                item.Due += interval;
                _queue.Add(item);
            }
        }

        return true;
    }

    /// <summary>Moves time forward by <paramref name="by"/>, firing everything due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        var target = Elapsed + by;
        while (FireNext(target))
        {
        }

        AdvanceClockTo(target);
    }

    /// <summary>Sets the clock without firing anything (callers fire due items themselves).</summary>
    public void AdvanceClockTo(TimeSpan target)
    {
        lock (_lock)
        {
            if (target > _now)
            {
                _now = target;
            }
        }
    }
}
