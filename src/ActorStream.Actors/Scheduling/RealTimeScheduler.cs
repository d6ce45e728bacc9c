using Microsoft.Extensions.Logging;

namespace ActorStream.Actors.Scheduling;

/// <summary>
/// One timer thread over a <see cref="TimerQueue"/>. Actions must be short (typically a Tell); a throwing
/// action is logged and does not stop the scheduler.
/// </summary>
public sealed class RealTimeScheduler : SchedulerBase, IDisposable
{
    private readonly TimerQueue _queue = new();
    private readonly object _lock = new();
    private readonly Thread _thread;
    private readonly ILogger _log;
    private bool _disposed;

    public RealTimeScheduler(IClock clock, ILogger log)
    {
        Clock = clock;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "actorstream-scheduler" };
        _thread.Start();
    }

    public override IClock Clock { get; }

    private protected override ScheduledItem Add(TimeSpan delay, TimeSpan? interval, Action action)
    {
        var item = new ScheduledItem(Clock.Elapsed + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay), interval, action);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Wake the timer thread only if it now has an earlier deadline to wait for.
            var wake = !_queue.TryPeekDue(out var head) || item.Due < head;
            _queue.Add(item);
            if (wake)
            {
                Monitor.Pulse(_lock);
            }
        }

        return item;
    }

    private void Run()
    {
        while (true)
        {
            ScheduledItem? due;
            lock (_lock)
            {
                while (true)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    var now = Clock.Elapsed;
                    due = _queue.TakeDue(now);
                    if (due is not null)
                    {
                        break;
                    }

                    var wait = _queue.TryPeekDue(out var next) ? next - now : Timeout.InfiniteTimeSpan;
                    if (wait != Timeout.InfiniteTimeSpan && wait < TimeSpan.FromMilliseconds(1))
                    {
                        wait = TimeSpan.FromMilliseconds(1);
                    }

                    Monitor.Wait(_lock, wait);
                }
            }

            Fire(due);
        }
    }

    private void Fire(ScheduledItem item)
    {
        if (item.Interval is null)
        {
            item.MarkRun();
        }

        try
        {
            item.Action();
        }
        catch (Exception e)
        {
            _log.LogError(e, "A scheduled action threw; the scheduler carries on");
        }

        if (item.Interval is { } interval && !item.IsCancellationRequested)
        {
            item.Due += interval;
            lock (_lock)
            {
                if (!_disposed)
                {
                    _queue.Add(item);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _queue.Clear();
            Monitor.PulseAll(_lock);
        }
    }
}
