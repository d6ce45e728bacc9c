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
        var journalPlugin = config.GetString("actorstream.persistence.journal.plugin");
        Journal = journal ?? journalPlugin switch
        {
            "memory" => new MemoryJournal(),
            "segment-log" => new SegmentLogJournal(
                config.GetString("actorstream.persistence.journal.segment-log.dir"),
                new SegmentLog.LogConfig
                {
                    SegmentBytes = checked((int)config.GetByteSize("actorstream.persistence.journal.segment-log.segment-bytes")),
                    FlushMessages = config.GetLong("actorstream.persistence.journal.segment-log.flush-messages"),
                },
                system.LoggerFactory),
            _ => throw UnknownPlugin("actorstream.persistence.journal.plugin", journalPlugin, "\"memory\" or \"segment-log\""),
        };
        var snapshotPlugin = config.GetString("actorstream.persistence.snapshot-store.plugin");
        SnapshotStore = snapshotStore ?? snapshotPlugin switch
        {
            "memory" => new MemorySnapshotStore(),
            "file" => new FileSnapshotStore(config.GetString("actorstream.persistence.snapshot-store.file.dir")),
            _ => throw UnknownPlugin("actorstream.persistence.snapshot-store.plugin", snapshotPlugin, "\"memory\" or \"file\""),
        };
        var permits = config.GetInt("actorstream.persistence.max-concurrent-recoveries");
        RecoveryPermits = new SemaphoreSlim(permits, permits);
    }

    private static Hocon.ConfigException UnknownPlugin(string path, string value, string expected) =>
        new($"{path}: unknown plugin \"{value}\"; expected {expected}, or install one with Persistence.Configure", path, null);

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
