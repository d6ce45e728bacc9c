using ActorStream.Actors.Scheduling;

namespace ActorStream.Actors;

/// <summary>The receive-timeout tick carries a generation: a tick from a cancelled timeout is dropped.</summary>
internal sealed record ReceiveTimeoutTick(long Generation) : INotInfluenceReceiveTimeout;

internal sealed partial class ActorCell
{
    private TimeSpan? _receiveTimeout;
    private ICancelable? _receiveTimeoutTask;
    private long _receiveTimeoutGeneration;

    public TimeSpan? ReceiveTimeout => _receiveTimeout;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        _receiveTimeout = timeout is { } t && t > TimeSpan.Zero ? t : null;
        RescheduleReceiveTimeout();
    }

    private void RescheduleReceiveTimeout()
    {
        _receiveTimeoutTask?.Cancel();
        _receiveTimeoutTask = null;
        var generation = ++_receiveTimeoutGeneration;
        if (_receiveTimeout is { } timeout)
        {
            _receiveTimeoutTask = SystemImpl.Scheduler.ScheduleTellOnce(timeout, SelfRef, new ReceiveTimeoutTick(generation), null);
        }
    }

    private void CancelReceiveTimeout()
    {
        _receiveTimeout = null;
        RescheduleReceiveTimeout();
    }

    private void OnReceiveTimeoutTick(ReceiveTimeoutTick tick)
    {
        if (tick.Generation != _receiveTimeoutGeneration || _receiveTimeout is null)
        {
            return;
        }

        ReceiveMessage(Actors.ReceiveTimeout.Instance);
        if (tick.Generation == _receiveTimeoutGeneration)
        {
            RescheduleReceiveTimeout();
        }
    }
}
