namespace ActorStream.Actors.Scheduling;

/// <summary>Runs actions and delivers messages after a delay. Injectable: real time or virtual time.</summary>
public interface IScheduler
{
    IClock Clock { get; }

    ICancelable ScheduleOnce(TimeSpan delay, Action action);

    /// <summary>Fixed-rate repetition: the n-th run is due at initialDelay + n * interval.</summary>
    ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action);
}

public static class SchedulerExtensions
{
    public static ICancelable ScheduleTellOnce(this IScheduler scheduler, TimeSpan delay, IActorRef receiver, object message, IActorRef? sender) =>
        scheduler.ScheduleOnce(delay, () => receiver.Tell(message, sender));

    public static ICancelable ScheduleTellRepeatedly(
        this IScheduler scheduler, TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender) =>
        scheduler.ScheduleRepeatedly(initialDelay, interval, () => receiver.Tell(message, sender));
}
