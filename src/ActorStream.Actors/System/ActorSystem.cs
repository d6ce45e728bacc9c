using System.Reflection;
using ActorStream.Actors.Dispatch;
using ActorStream.Actors.Events;
using ActorStream.Actors.Scheduling;
using ActorStream.Actors.Shutdown;
using ActorStream.Hocon;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorStream.Actors;

/// <summary>
/// A hierarchy of actors with its configuration, scheduler, dispatcher and event stream. The tree is
/// "/" (root) with "/user" (your actors, <see cref="ActorOf"/>) and "/system" (runtime actors).
/// </summary>
public sealed class ActorSystem : IActorRefFactory, IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<CoordinatedShutdown> _coordinatedShutdown;
    private readonly RealTimeScheduler? _ownedScheduler;
    private long _uid;
    private long _tempCounter;
    private int _terminateRequested;

    private ActorSystem(string name, Config config, ActorSystemSetup setup)
    {
        ActorPath.ValidateName(name, allowSystemPrefix: false);
        Name = name;
        Settings = config;
        LoggerFactory = setup.LoggerFactory ?? NullLoggerFactory.Instance;
        Log = LoggerFactory.CreateLogger("ActorStream.Actors.ActorSystem");
        Random = setup.Random ?? SharedRandom.Instance;
        if (setup.Scheduler is { } scheduler)
        {
            Scheduler = scheduler;
        }
        else
        {
            var realTime = new RealTimeScheduler(SystemClock.Instance, LoggerFactory.CreateLogger("ActorStream.Actors.Scheduler"));
            Scheduler = realTime;
            _ownedScheduler = realTime;
        }

        Dispatcher = setup.Dispatcher ?? new ThreadPoolDispatcher(config.GetInt("actorstream.actor.default-dispatcher.throughput"));
        Tracer = setup.Tracer;
        _uid = Random.NextInt64() & 0x0000_FFFF_FFFF_0000;
        Address = new Address(Address.DefaultProtocol, name);
        EventStream = new EventStream();
        var rootPath = ActorPath.Root(Address);
        DeadLetterRef = new DeadLetterActorRef(this, rootPath / "deadLetters", config.GetInt("actorstream.actor.log-dead-letters"));
        _coordinatedShutdown = new Lazy<CoordinatedShutdown>(() => new CoordinatedShutdown(this, config.GetConfig("actorstream.coordinated-shutdown")));

        var bubbleWalker = new RootSupervisor(this, rootPath / "bubble-walker");
        _root = new ActorCell(this, Props.Create(() => new RootGuardian()).WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy),
            bubbleWalker, rootPath.WithUid(NextUid()), Dispatcher);
        _userGuardian = ((LocalActorRef)_root.CreateChild(Props.Create(() => new Guardian()), "user")).Cell;
        _systemGuardian = ((LocalActorRef)_root.CreateChild(Props.Create(() => new Guardian()), "system")).Cell;
        _root.SelfRef.SendSystemMessage(Actors.Create.Instance);
    }

    /// <summary>Creates an actor system. <paramref name="config"/> wins over every reference.conf of ActorStream.</summary>
    public static ActorSystem Create(string name, Config? config = null, ActorSystemSetup? setup = null)
    {
        var full = (config ?? ConfigFactory.Empty).WithFallback(ReferenceConfig());
        return new ActorSystem(name, full, setup ?? new ActorSystemSetup());
    }

    /// <summary>
    /// Every reference.conf embedded in an ActorStream assembly that is loaded or referenced (transitively) by one that
    /// is, merged (documented defaults). Following references matters: a layer's assembly may not be loaded yet when the
    /// system is created (it loads when first used), and its defaults must apply all the same.
    /// </summary>
    public static Config ReferenceConfig()
    {
        var merged = ConfigFactory.Empty;
        foreach (var assembly in ActorStreamAssemblies().OrderBy(a => a.GetName().Name, StringComparer.Ordinal))
        {
            foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.EndsWith(".reference.conf", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                merged = merged.WithFallback(ConfigFactory.FromResource(assembly, resource));
            }
        }

        return merged;
    }

    private static bool IsActorStream(string? name) => name?.StartsWith("ActorStream.", StringComparison.Ordinal) == true;

    private static List<Assembly> ActorStreamAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>(AppDomain.CurrentDomain.GetAssemblies().Append(typeof(ActorSystem).Assembly).Where(a => IsActorStream(a.GetName().Name)));
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
                continue;
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => IsActorStream(r.Name) && !found.ContainsKey(r.Name!)))
            {
                try
                {
                    pending.Push(Assembly.Load(reference));
                }
                catch (IOException)
                {
                    // A reference that is not deployed (a build-only project) has no defaults to contribute.
                }
            }
        }

        return [.. found.Values];
    }

    public string Name { get; }

    public Address Address { get; }

    /// <summary>The merged configuration (application config over reference.conf defaults).</summary>
    public Config Settings { get; }

    public IScheduler Scheduler { get; }

    public IClock Clock => Scheduler.Clock;

    public IRandomSource Random { get; }

    public EventStream EventStream { get; }

    public IActorRef DeadLetters => DeadLetterRef;

    internal DeadLetterActorRef DeadLetterRef { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Log { get; }

    public CoordinatedShutdown CoordinatedShutdown => _coordinatedShutdown.Value;

    public Task WhenTerminated => _terminated.Task;

    internal IDispatcher Dispatcher { get; }

    internal IMessageTracer? Tracer { get; }

    internal IActorRef UserGuardian => _userGuardian.SelfRef;

    internal IActorRef SystemGuardian => _systemGuardian.SelfRef;

    /// <summary>Creates a top-level actor under /user.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.ActorOf(props, name);

    /// <summary>Creates a runtime actor under /system.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOf(props, name);

    /// <summary>An absolute path ("actorstream://sys/user/a") or one relative to the root ("/user/a").</summary>
    public ActorSelection ActorSelection(string path)
    {
        var parsed = path.StartsWith('/') ? ActorPath.Parse(Address + path) : ActorPath.Parse(path);
        return new ActorSelection(this, parsed);
    }

    public void Stop(IActorRef actor)
    {
        if (actor is IInternalActorRef target)
        {
            target.SendSystemMessage(Actors.Terminate.Instance);
        }
    }

    /// <summary>The system a ref belongs to, if it is a local ref of a live system.</summary>
    internal static ActorSystem? Of(IActorRef actorRef) => actorRef switch
    {
        LocalActorRef local => local.Cell.SystemImpl,
        DeadLetterActorRef => null,
        ISystemBoundRef bound => bound.System,
        _ => null,
    };

    internal IActorRef? ResolveLocal(ActorPath path)
    {
        if (path.Address != Address)
        {
            return null;
        }

        var cell = _root;
        foreach (var element in path.Elements)
        {
            if (cell.Child(element) is not LocalActorRef child)
            {
                return null;
            }

            cell = child.Cell;
        }

        return path.Uid == ActorPath.UndefinedUid || path.Uid == cell.Uid ? cell.SelfRef : null;
    }

    internal long NextUid()
    {
        var uid = Interlocked.Increment(ref _uid);
        return uid == 0 ? Interlocked.Increment(ref _uid) : uid;
    }

    internal ActorPath TempPath() => ActorPath.Root(Address) / "temp" / ("$" + Interlocked.Increment(ref _tempCounter));

    /// <summary>A system message reached an actor that is gone: a watch is answered at once, the rest dropped.</summary>
    internal void HandleDeadSystemMessage(IInternalActorRef recipient, SystemMessage message)
    {
        switch (message)
        {
            case Watch watch when !watch.Watcher.Equals(recipient):
                watch.Watcher.SendSystemMessage(new DeathWatchNotification(watch.Watchee, ExistenceConfirmed: recipient is not DeadLetterActorRef, false));
                break;
            case Failed failed:
                Log.LogDebug("Failure of [{Child}] reached [{Recipient}] after it stopped", failed.Child.Path, recipient.Path);
                break;
        }
    }

    /// <summary>
    /// Stops the system: runs coordinated shutdown (if configured to run on terminate), which ends by stopping
    /// /user, then /system, then the root. Completes when every actor has stopped.
    /// </summary>
    public Task Terminate()
    {
        if (Settings.GetBoolean("actorstream.coordinated-shutdown.run-by-actor-system-terminate"))
        {
            _ = CoordinatedShutdown.Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance);
        }
        else
        {
            FinalTerminate();
        }

        return WhenTerminated;
    }

    internal void FinalTerminate()
    {
        if (Interlocked.Exchange(ref _terminateRequested, 1) == 0)
        {
            Log.LogDebug("Actor system [{Name}] is stopping", Name);
            _root.SelfRef.Tell(RootGuardian.StopUserGuardian.Instance, null);
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPendingAsk, byte> _pendingAsks = new();

    internal interface IPendingAsk
    {
        void FailBecauseTerminated();
    }

    internal void RegisterAsk(IPendingAsk ask)
    {
        _pendingAsks.TryAdd(ask, 0);
        if (_terminated.Task.IsCompleted)
        {
            ask.FailBecauseTerminated();
        }
    }

    internal void UnregisterAsk(IPendingAsk ask) => _pendingAsks.TryRemove(ask, out _);

    private void OnRootTerminated()
    {
        _terminated.TrySetResult();
        foreach (var ask in _pendingAsks.Keys)
        {
            ask.FailBecauseTerminated();
        }

        _ownedScheduler?.Dispose();
        Log.LogDebug("Actor system [{Name}] has stopped", Name);
    }

    public async ValueTask DisposeAsync()
    {
        await Terminate();
    }

    public override string ToString() => Address.ToString();

    /// <summary>Refs not backed by a cell that still know their system (test probes, for instance).</summary>
    internal interface ISystemBoundRef
    {
        ActorSystem System { get; }
    }

    private sealed class Guardian : ActorBase
    {
        protected internal override bool Receive(object message) => false;
    }

    /// <summary>Stops /user first, then /system, then itself, so runtime actors outlive user actors.</summary>
    private sealed class RootGuardian : ActorBase
    {
        public sealed class StopUserGuardian
        {
            public static readonly StopUserGuardian Instance = new();
        }

        protected internal override bool Receive(object message)
        {
            switch (message)
            {
                case StopUserGuardian:
                    var user = Context.Child("user");
                    if (user is null)
                    {
                        StopSystemGuardian();
                    }
                    else
                    {
                        Context.Watch(user);
                        Context.Stop(user);
                    }

                    return true;
                case Terminated t when t.ActorRef.Path.Name == "user":
                    StopSystemGuardian();
                    return true;
                case Terminated t when t.ActorRef.Path.Name == "system":
                    Context.Stop(Self);
                    return true;
                default:
                    return false;
            }
        }

        private void StopSystemGuardian()
        {
            var system = Context.Child("system");
            if (system is null)
            {
                Context.Stop(Self);
                return;
            }

            Context.Watch(system);
            Context.Stop(system);
        }
    }

    /// <summary>The parent of the root: a failed root stops; the root's death completes termination.</summary>
    private sealed class RootSupervisor(ActorSystem system, ActorPath path) : ActorRefBase, IInternalActorRef
    {
        public override ActorPath Path { get; } = path;

        public IInternalActorRef? Parent => null;

        public bool IsTerminated => system.WhenTerminated.IsCompleted;

        public override void Tell(object message, IActorRef? sender)
        {
        }

        public void SendSystemMessage(SystemMessage message)
        {
            switch (message)
            {
                case Failed failed:
                    system.Log.LogError(failed.Cause, "The root guardian failed; stopping the actor system");
                    failed.Child.SendSystemMessage(Actors.Terminate.Instance);
                    break;
                case DeathWatchNotification:
                    system.OnRootTerminated();
                    break;
            }
        }
    }
}
