using System.Runtime.CompilerServices;
using ActorStream.Actors;

namespace ActorStream.Persistence;

/// <summary>
/// The persistence extension of an actor system: its journal, snapshot store and recovery permits.
/// The journal is configured by actorstream.persistence.journal.plugin ("memory" is built in); tests and
/// hosts may install their own with <see cref="Configure"/> before the first persistent actor starts.
/// </summary>
public sealed class Persistence
{
    private static readonly ConditionalWeakTable<ActorSystem, Persistence> s_instances = [];

    private Persistence(ActorSystem system, IAsyncJournal? journal, ISnapshotStore? snapshotStore)
    {
        var config = system.Settings;
        var plugin = config.GetString("actorstream.persistence.journal.plugin");
        Journal = journal ?? plugin switch
        {
            "memory" => new MemoryJournal(),
            _ => throw new Hocon.ConfigException(
                $"actorstream.persistence.journal.plugin: unknown journal plugin \"{plugin}\"; expected \"memory\" or a journal installed with Persistence.Configure",
                "actorstream.persistence.journal.plugin", null),
        };
        SnapshotStore = snapshotStore ?? new MemorySnapshotStore();
        var permits = config.GetInt("actorstream.persistence.max-concurrent-recoveries");
        RecoveryPermits = new SemaphoreSlim(permits, permits);
    }

    public IAsyncJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    /// <summary>Bounds how many persistent actors recover at once, so a node start does not flood the journal.</summary>
    public SemaphoreSlim RecoveryPermits { get; }

    public static Persistence Get(ActorSystem system) => s_instances.GetValue(system, s => new Persistence(s, null, null));

    /// <summary>Installs a journal and snapshot store; must come before any persistent actor of the system starts.</summary>
    public static Persistence Configure(ActorSystem system, IAsyncJournal journal, ISnapshotStore? snapshotStore = null)
    {
        var instance = new Persistence(system, journal, snapshotStore);
        if (!s_instances.TryAdd(system, instance))
        {
            throw new InvalidOperationException("Persistence of this actor system is already in use; configure it before starting persistent actors.");
        }

        return instance;
    }
}
