namespace ActorStream.Actors.Scheduling;

/// <summary>The only source of time the runtime reads, so that tests can run in virtual time.</summary>
public interface IClock
{
    /// <summary>Wall-clock time, for timestamps.</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>Monotonic time since an arbitrary origin, for measuring intervals.</summary>
    TimeSpan Elapsed { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();

    private readonly long _origin = System.Diagnostics.Stopwatch.GetTimestamp();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => System.Diagnostics.Stopwatch.GetElapsedTime(_origin);
}
