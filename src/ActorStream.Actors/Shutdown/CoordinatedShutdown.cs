using ActorStream.Hocon;
using Microsoft.Extensions.Logging;

namespace ActorStream.Actors.Shutdown;

/// <summary>
/// Stops a node in ordered phases (unbind listeners, drain requests, leave the cluster, ...). Phases and
/// their order come from configuration (actorstream.coordinated-shutdown.phases, each with depends-on);
/// tasks of one phase run concurrently, phases run one after another, each bounded by its timeout. The last
/// phase terminates the actor system. Running it again returns the same task.
/// </summary>
public sealed class CoordinatedShutdown
{
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";
    public const string PhaseServiceUnbind = "service-unbind";
    public const string PhaseServiceRequestsDone = "service-requests-done";
    public const string PhaseServiceStop = "service-stop";
    public const string PhaseBeforeClusterShutdown = "before-cluster-shutdown";
    public const string PhaseClusterLeave = "cluster-leave";
    public const string PhaseClusterShutdown = "cluster-shutdown";
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    private readonly ActorSystem _system;
    private readonly Dictionary<string, PhaseSettings> _phases;
    private readonly Dictionary<string, List<(string Name, Func<Task> Task)>> _tasks = [];
    private readonly Lock _lock = new();
    private readonly ILogger _log;
    private readonly bool _terminateActorSystem;
    private Task? _run;

    public CoordinatedShutdown(ActorSystem system, Config config)
    {
        _system = system;
        _log = system.LoggerFactory.CreateLogger("ActorStream.Actors.CoordinatedShutdown");
        _terminateActorSystem = config.GetBoolean("terminate-actor-system");
        var defaultTimeout = config.GetDuration("default-phase-timeout");
        var phasesConfig = config.GetConfig("phases");
        _phases = phasesConfig.Keys.ToDictionary(
            name => name,
            name =>
            {
                var phase = phasesConfig.GetConfig(name);
                return new PhaseSettings(
                    phase.HasPath("depends-on") ? phase.GetStringList("depends-on") : [],
                    phase.HasPath("timeout") ? phase.GetDuration("timeout") : defaultTimeout,
                    !phase.HasPath("recover") || phase.GetBoolean("recover"));
            },
            StringComparer.Ordinal);
        OrderedPhases = TopologicalSort(_phases);
    }

    private sealed record PhaseSettings(IReadOnlyList<string> DependsOn, TimeSpan Timeout, bool Recover);

    public IReadOnlyList<string> OrderedPhases { get; }

    /// <summary>Why the shutdown runs, once it does.</summary>
    public object? Reason { get; private set; }

    /// <summary>Adds a task to a phase. Tasks added after the phase has started are not run.</summary>
    public void AddTask(string phase, string taskName, Func<Task> task)
    {
        if (!_phases.ContainsKey(phase))
        {
            throw new ArgumentException($"Unknown coordinated-shutdown phase [{phase}]; known phases: {string.Join(", ", OrderedPhases)}", nameof(phase));
        }

        lock (_lock)
        {
            if (!_tasks.TryGetValue(phase, out var list))
            {
                _tasks[phase] = list = [];
            }

            list.Add((taskName, task));
        }
    }

    public Task Run(object reason)
    {
        lock (_lock)
        {
            if (_run is null)
            {
                Reason = reason;
                _run = RunPhases(reason);
            }

            return _run;
        }
    }

    private async Task RunPhases(object reason)
    {
        _log.LogInformation("Coordinated shutdown of [{System}] started: {Reason}", _system.Name, reason);
        foreach (var phase in OrderedPhases)
        {
            List<(string Name, Func<Task> Task)> tasks;
            lock (_lock)
            {
                tasks = _tasks.TryGetValue(phase, out var list) ? [.. list] : [];
            }

            if (phase == PhaseActorSystemTerminate && _terminateActorSystem)
            {
                tasks.Add(("terminate-actor-system", TerminateActorSystem));
            }

            if (tasks.Count == 0)
            {
                continue;
            }

            var settings = _phases[phase];
            _log.LogDebug("Coordinated shutdown phase [{Phase}]: {Count} task(s)", phase, tasks.Count);
            // The timeout first: the last phase's task disposes the scheduler the timeout runs on.
            var timeout = Delay(settings.Timeout);
            var all = Task.WhenAll(tasks.Select(t => RunTask(phase, t.Name, t.Task)));
            if (await Task.WhenAny(all, timeout) != all)
            {
                var message = $"Coordinated shutdown phase [{phase}] timed out after {settings.Timeout.TotalMilliseconds:0} ms";
                if (!settings.Recover)
                {
                    _log.LogError("{Message}; aborting the remaining phases", message);
                    throw new TimeoutException(message);
                }

                _log.LogWarning("{Message}; continuing with the next phase", message);
            }
        }
    }

    private Task TerminateActorSystem()
    {
        _system.FinalTerminate();
        return _system.WhenTerminated;
    }

    private async Task RunTask(string phase, string name, Func<Task> task)
    {
        try
        {
            await task();
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "Task [{Task}] of coordinated shutdown phase [{Phase}] failed: {Message}", name, phase, e.Message);
        }
    }

    /// <summary>A delay on the system's scheduler, so phase timeouts follow virtual time in tests.</summary>
    private Task Delay(TimeSpan delay)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _system.Scheduler.ScheduleOnce(delay, () => tcs.TrySetResult());
        }
        catch (ObjectDisposedException)
        {
            // The system terminated under a concurrent Run: its phases are done; time out on the real clock.
            return Task.Delay(delay);
        }

        return tcs.Task;
    }

    private static List<string> TopologicalSort(Dictionary<string, PhaseSettings> phases)
    {
        var result = new List<string>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);

        void Visit(string phase, Stack<string> path)
        {
            state.TryGetValue(phase, out var s);
            if (s == 2)
            {
                return;
            }

            if (s == 1)
            {
                throw new ConfigException($"Cycle in coordinated-shutdown phases: {string.Join(" -> ", path.Reverse().Append(phase))}");
            }

            state[phase] = 1;
            path.Push(phase);
            if (phases.TryGetValue(phase, out var settings))
            {
                foreach (var dependency in settings.DependsOn.Order(StringComparer.Ordinal))
                {
                    if (!phases.ContainsKey(dependency))
                    {
                        throw new ConfigException($"Coordinated-shutdown phase [{phase}] depends on unknown phase [{dependency}]");
                    }

                    Visit(dependency, path);
                }
            }

            path.Pop();
            state[phase] = 2;
            result.Add(phase);
        }

        foreach (var phase in phases.Keys.Order(StringComparer.Ordinal))
        {
            Visit(phase, new Stack<string>());
        }

        return result;
    }

    /// <summary>The reason used when <see cref="ActorSystem.Terminate"/> starts the shutdown.</summary>
    public sealed class ActorSystemTerminateReason
    {
        public static readonly ActorSystemTerminateReason Instance = new();

        public override string ToString() => "ActorSystem.Terminate() was called";
    }
}
