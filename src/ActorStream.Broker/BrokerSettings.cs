using ActorStream.Broker.Replication;
using ActorStream.Broker.Topics;
using ActorStream.Hocon;

namespace ActorStream.Broker;

/// <summary>One broker's settings: who it is, where its data lives, and the defaults of its topics and replicas.</summary>
public sealed record BrokerSettings
{
    /// <summary>Kafka's node.id / broker.id.</summary>
    public int NodeId { get; init; } = 1;

    /// <summary>Kafka's log.dirs (one directory): partition logs, the metadata log and snapshots.</summary>
    public required string DataDirectory { get; init; }

    public BrokerDefaults Defaults { get; init; } = BrokerDefaults.Kafka;

    public ReplicaSettings Replica { get; init; } = new(SnapshotIntervalBatches: 1000, ProducerIdExpirationMs: 24L * 60 * 60 * 1000);

    /// <summary>Kafka's log.retention.check.interval.ms.</summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock logs use for segment ages and retention (injected in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Reads actorstream.broker; the data directory comes from the node's settings.</summary>
    public static BrokerSettings FromConfig(Config config, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string path = "actorstream.broker";
        var section = config.GetConfig(path);
        int nodeId = section.GetInt("node-id");
        if (nodeId < 0)
            throw new ConfigException($"{path}.node-id: expected a non-negative integer, got {nodeId}", $"{path}.node-id", null);
        int snapshotInterval = section.GetInt("producer-snapshot-interval-batches");
        if (snapshotInterval < 1)
            throw new ConfigException($"{path}.producer-snapshot-interval-batches: expected a positive integer, got {snapshotInterval}", $"{path}.producer-snapshot-interval-batches", null);
        var expiration = section.GetDuration("producer-id-expiration");
        var retentionCheck = section.GetDuration("log-retention-check-interval");
        if (retentionCheck <= TimeSpan.Zero)
            throw new ConfigException($"{path}.log-retention-check-interval: expected a positive duration, got {retentionCheck}", $"{path}.log-retention-check-interval", null);
        return new BrokerSettings
        {
            NodeId = nodeId,
            DataDirectory = dataDirectory,
            Defaults = BrokerDefaults.FromConfig(section, path),
            Replica = new ReplicaSettings(snapshotInterval, (long)expiration.TotalMilliseconds),
            RetentionCheckInterval = retentionCheck,
        };
    }
}
