using ActorStream.Actors;
using Microsoft.Extensions.Logging;

namespace ActorStream.Node.Demo;

/// <summary>
/// Creates the workers, deals out the work round-robin, crashes a worker now and then (its supervisor,
/// this actor, restarts it), reports progress on a timer, and answers with the total once every worker
/// has flushed. The total is exact: restarts lose no count and the mailbox keeps the queued work.
/// </summary>
internal sealed class Coordinator : ReceiveActor
{
    private readonly List<IActorRef> _workers = [];
    private readonly DemoSettings _settings;
    private IActorRef _replyTo = ActorRefs.NoSender;
    private TimeSpan _start;
    private long _counted;
    private int _restarts;
    private int _flushed;

    public Coordinator(DemoSettings settings)
    {
        _settings = settings;
        for (var i = 0; i < settings.Workers; i++)
        {
            var id = i;
            _workers.Add(Context.ActorOf(Props.Create(() => new Worker(id, Self)), $"worker-{id}"));
        }

        Receive<string>(s => s == "start", _ =>
        {
            _replyTo = Sender;
            Start();
        });
        Receive<Counted>(counted => _counted += counted.Count);
        Receive<Flushed>(OnFlushed);
        Receive<ReportProgress>(_ => Log.LogInformation(
            "Demo progress: {Done:N0} of {Total:N0} messages counted, {Restarts} worker restart(s) so far",
            _counted, _settings.Messages, _restarts));
    }

    // The crashes are staged, so they are logged as one line each rather than as errors with stack traces.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, null, cause =>
    {
        _restarts++;
        Log.LogInformation("A worker crashed on purpose ({Reason}); restarting it with its mailbox intact", cause.Message);
        return Directive.Restart;
    }, loggingEnabled: false);

    private void Start()
    {
        _start = Context.System.Clock.Elapsed;
        Timers.StartPeriodicTimer("report", ReportProgress.Instance, _settings.ReportInterval);
        var crashes = 0;
        for (long i = 0; i < _settings.Messages; i++)
        {
            _workers[(int)(i % _workers.Count)].Tell(new Work(i), Self);
            if (_settings.FailEvery > 0 && (i + 1) % _settings.FailEvery == 0)
            {
                crashes++;
                _workers[crashes % _workers.Count].Tell(new Crash($"demo crash #{crashes}"), Self);
            }
        }

        foreach (var worker in _workers)
        {
            worker.Tell(Flush.Instance, Self);
        }
    }

    private void OnFlushed(Flushed flushed)
    {
        _counted += flushed.Count;
        if (++_flushed == _workers.Count)
        {
            Timers.Cancel("report");
            _replyTo.Tell(new DemoFinished(_counted, _restarts, Context.System.Clock.Elapsed - _start), Self);
        }
    }
}
