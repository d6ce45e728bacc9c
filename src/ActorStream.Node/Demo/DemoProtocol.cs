namespace ActorStream.Node.Demo;

/// <summary>A unit of work for a worker.</summary>
internal sealed record Work(long Sequence);

/// <summary>Tells a worker to throw, to show its supervisor restarting it.</summary>
internal sealed record Crash(string Reason);

/// <summary>Asks a worker to report what it has not reported yet.</summary>
internal sealed class Flush
{
    public static readonly Flush Instance = new();
}

/// <summary>A worker's count since its last report.</summary>
internal sealed record Counted(int Worker, long Count);

/// <summary>A worker's final count, in answer to <see cref="Flush"/>.</summary>
internal sealed record Flushed(int Worker, long Count);

internal sealed class ReportProgress
{
    public static readonly ReportProgress Instance = new();
}

internal sealed record DemoFinished(long Counted, int Restarts, TimeSpan Elapsed);
