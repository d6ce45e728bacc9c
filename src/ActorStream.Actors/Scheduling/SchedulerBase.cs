namespace ActorStream.Actors.Scheduling;

/// <summary>The argument rules shared by every scheduler; subclasses decide where items wait and what time is.</summary>
public abstract class SchedulerBase : IScheduler
{
    public abstract IClock Clock { get; }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action) => Add(delay, null, action);

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A repeat interval must be positive.");
        }

        return Add(initialDelay, interval, action);
    }

    /// <summary>Queues an item due after <paramref name="delay"/> (negative delays count as zero).</summary>
    private protected abstract ScheduledItem Add(TimeSpan delay, TimeSpan? interval, Action action);
}
