using ActorStream.Actors;
using ActorStream.Broker.Controller;
using ActorStream.Broker.Metadata;
using ActorStream.Broker.Replication;
using ActorStream.Persistence;
using Microsoft.Extensions.Logging;

namespace ActorStream.Broker;

/// <summary>
/// One running broker: the controller, the replica manager and its partition replicas, in one actor system, and the
/// thread-safe views request handlers read (the metadata image, the partitions this broker leads). The Kafka layer
/// holds one and translates requests into messages to these actors.
/// </summary>
public sealed class BrokerNode
{
    private readonly IActorRef _replicaManager;
    private readonly SegmentLogJournal _metadataJournal;
    private int _stopped;

    private BrokerNode(ActorSystem system, BrokerSettings settings, MetadataCache metadata, PartitionRegistry partitions, IActorRef controller, IActorRef replicaManager, SegmentLogJournal metadataJournal, IActorRef groups)
    {
        Groups = groups;
        _metadataJournal = metadataJournal;
        System = system;
        Settings = settings;
        Metadata = metadata;
        Partitions = partitions;
        Controller = controller;
        _replicaManager = replicaManager;
    }

    public ActorSystem System { get; }

    public BrokerSettings Settings { get; }

    public int NodeId => Settings.NodeId;

    public MetadataCache Metadata { get; }

    public PartitionRegistry Partitions { get; }

    /// <summary>The group manager: every consumer-group request goes here and on to the group's coordinator.</summary>
    public IActorRef Groups { get; }

    /// <summary>The controller actor: topic changes and producer ids go here.</summary>
    public IActorRef Controller { get; }

    /// <summary>
    /// Starts the broker on <paramref name="system"/>: installs the journal (the metadata log under the data
    /// directory) and snapshot store, recovers the metadata and starts a replica for every partition. Completes once
    /// the broker can serve requests.
    /// </summary>
    public static async Task<BrokerNode> StartAsync(ActorSystem system, BrokerSettings settings, BrokerInfo self, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(settings.DataDirectory);
        var journal = new SegmentLogJournal(Path.Combine(settings.DataDirectory, "__metadata"), loggers: system.LoggerFactory, time: settings.Time);
        Persistence.Persistence.Configure(system, journal, new FileSnapshotStore(Path.Combine(settings.DataDirectory, "__snapshots")));
        var metadata = new MetadataCache(MetadataImage.Empty("", self));
        var partitions = new PartitionRegistry();
        var replicaManager = system.SystemActorOf(ReplicaManager.Props(settings, partitions), "replicas");
        var controller = system.SystemActorOf(ControllerActor.Props(settings, metadata, replicaManager), "controller");
        await controller.Ask<ControllerReady>(AwaitControllerReady.Instance, timeout).ConfigureAwait(false);
        var groups = system.SystemActorOf(ActorStream.Broker.Groups.GroupManager.Props(settings, metadata, partitions, controller, TimeSpan.FromSeconds(30)), "groups");
        system.Log.LogInformation("Broker {NodeId} started: data in {Directory}, {Topics} topic(s), {Partitions} partition(s)",
            settings.NodeId, Path.GetFullPath(settings.DataDirectory), metadata.Current.Topics.Count, partitions.Count);
        return new BrokerNode(system, settings, metadata, partitions, controller, replicaManager, journal, groups);
    }

    /// <summary>Graceful stop: every replica finishes its writes, flushes and closes its log.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
            return;
        // Coordinators first: whatever they already asked their offsets partition to write is in its mailbox ahead of the stop.
        System.Stop(Groups);
        var stopped = await _replicaManager.Ask<AllReplicasStopped>(StopAllReplicas.Instance, timeout).ConfigureAwait(false);
        System.Log.LogInformation("Broker {NodeId} stopped: {Count} partition log(s) flushed and closed", NodeId, stopped.Count);
        System.Stop(Controller);
        System.Stop(_replicaManager);
        // The metadata log: written through by every committed change already; closing flushes and releases it.
        await _metadataJournal.DisposeAsync().ConfigureAwait(false);
    }
}
