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

    /// <summary>Consumer-group coordination (actorstream.broker.groups).</summary>
    public Groups.GroupSettings Groups { get; init; } = new();

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
        var groups = section.GetConfig("groups");
        int PositiveInt(string key)
        {
            int value = groups.GetInt(key);
            return value > 0 ? value : throw new ConfigException($"{path}.groups.{key}: expected a positive integer, got {value}", $"{path}.groups.{key}", null);
        }

        int Millis(string key, bool allowZero = false)
        {
            var value = groups.GetDuration(key);
            return (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero)) && value.TotalMilliseconds <= int.MaxValue
                ? (int)value.TotalMilliseconds
                : throw new ConfigException($"{path}.groups.{key}: expected a {(allowZero ? "non-negative" : "positive")} duration, got {value}", $"{path}.groups.{key}", null);
        }

        var groupSettings = new Groups.GroupSettings
        {
            OffsetsTopicPartitions = PositiveInt("offsets-topic-num-partitions"),
            MinSessionTimeoutMs = Millis("min-session-timeout"),
            MaxSessionTimeoutMs = Millis("max-session-timeout"),
            InitialRebalanceDelayMs = Millis("initial-rebalance-delay", allowZero: true),
            MaxGroupSize = PositiveInt("max-size"),
            OffsetsRetentionMs = (long)groups.GetDuration("offsets-retention").TotalMilliseconds,
            OffsetsRetentionCheckInterval = groups.GetDuration("offsets-retention-check-interval"),
            MaxOffsetMetadataBytes = PositiveInt("offset-metadata-max-bytes"),
        };
        if (groupSettings.MinSessionTimeoutMs > groupSettings.MaxSessionTimeoutMs)
            throw new ConfigException($"{path}.groups.min-session-timeout: must not exceed max-session-timeout", $"{path}.groups.min-session-timeout", null);

        return new BrokerSettings
        {
            Groups = groupSettings,
            NodeId = nodeId,
            DataDirectory = dataDirectory,
            Defaults = BrokerDefaults.FromConfig(section, path),
            Replica = new ReplicaSettings(snapshotInterval, (long)expiration.TotalMilliseconds),
            RetentionCheckInterval = retentionCheck,
        };
    }
}
