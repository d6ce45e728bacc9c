using ActorStream.Actors.Scheduling;

namespace ActorStream.Actors.Timers;

/// <summary>An actor's own timers, identified by key; starting a timer with a key replaces the old one.</summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}

/// <summary>
/// Every start gets a new generation number; a timer message is delivered only if its key is still active
/// with that generation, so a message from a cancelled or replaced timer that was already in the mailbox is
/// dropped. Timers are cancelled on restart and stop. Used only from inside the actor.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Timer> _timers = [];
    private int _generation;

    internal sealed record TimerFired(object Key, int Generation, TimerScheduler Owner) : INotInfluenceReceiveTimeout;

    private sealed record Timer(object Message, bool Repeat, int Generation, ICancelable Task);

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        Cancel(key);
        var generation = ++_generation;
        var fired = new TimerFired(key, generation, this);
        var scheduler = cell.SystemImpl.Scheduler;
        var task = interval is { } every
            ? scheduler.ScheduleTellRepeatedly(delay, every, cell.SelfRef, fired, null)
            : scheduler.ScheduleTellOnce(delay, cell.SelfRef, fired, null);
        _timers[key] = new Timer(message, interval is not null, generation, task);
    }

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var timer))
        {
            timer.Task.Cancel();
        }
    }

    public void CancelAll()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Task.Cancel();
        }

        _timers.Clear();
    }

    /// <summary>The message to deliver for a fired timer, or null if the timer is stale.</summary>
    internal object? Accept(TimerFired fired)
    {
        if (fired.Owner != this || !_timers.TryGetValue(fired.Key, out var timer) || timer.Generation != fired.Generation)
        {
            return null;
        }

        if (!timer.Repeat)
        {
            _timers.Remove(fired.Key);
        }

        return timer.Message;
    }
}
