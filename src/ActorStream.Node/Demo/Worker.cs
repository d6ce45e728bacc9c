using ActorStream.Actors;

namespace ActorStream.Node.Demo;

/// <summary>Counts work and reports in batches; throws on <see cref="Crash"/> so its supervisor restarts it.</summary>
internal sealed class Worker : ReceiveActor
{
    private const int ReportEvery = 10_000;
    private readonly int _id;
    private readonly IActorRef _coordinator;
    private long _pending;

    public Worker(int id, IActorRef coordinator)
    {
        _id = id;
        _coordinator = coordinator;
        Receive<Work>(_ =>
        {
            if (++_pending == ReportEvery)
            {
                coordinator.Tell(new Counted(id, _pending), Self);
                _pending = 0;
            }
        });
        Receive<Crash>(crash => throw new InvalidOperationException(crash.Reason));
        Receive<Flush>(_ =>
        {
            coordinator.Tell(new Flushed(id, _pending), Self);
            _pending = 0;
        });
    }

    protected override void PreRestart(Exception reason, object? message)
    {
        // The instance and its count are about to be replaced: hand the count in so the total stays exact.
        _coordinator.Tell(new Counted(_id, _pending), Self);
        base.PreRestart(reason, message);
    }
}
