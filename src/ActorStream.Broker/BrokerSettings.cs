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

    /// <summary>
    /// How soon a partition whose log failed (an I/O error, a full disk) is tried again: the first retry after
    /// <see cref="ReplicaRestartBackoffMin"/>, then doubling up to <see cref="ReplicaRestartBackoffMax"/>.
    /// </summary>
    public TimeSpan ReplicaRestartBackoffMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReplicaRestartBackoffMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>While a starting broker opens and recovers its partition logs, how often it logs how far it got.</summary>
    public TimeSpan RecoveryProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock logs use for segment ages and retention (injected in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Reads actorstream.broker (a missing key keeps the default above); the data directory comes from the node's
    /// settings. Errors name the full key and the expected form.
    /// </summary>
    public static BrokerSettings FromConfig(Config config, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string path = "actorstream.broker";
        var section = config.GetConfig(path);
        var reader = new SectionReader(section, path + ".");
        var defaults = new BrokerSettings { DataDirectory = dataDirectory };
        var groups = new SectionReader(section.HasPath("groups") ? section.GetConfig("groups") : ConfigFactory.Empty, path + ".groups.");
        var kafka = new Groups.GroupSettings();

        int PositiveMs(SectionReader r, string key, long defaultMs, int min = 1) =>
            (int)r.Within(key, r.DurationMs(key, defaultMs), min, int.MaxValue);

        int minSession = PositiveMs(groups, "min-session-timeout", kafka.MinSessionTimeoutMs);
        int maxSession = PositiveMs(groups, "max-session-timeout", kafka.MaxSessionTimeoutMs, min: minSession);
        var groupSettings = new Groups.GroupSettings
        {
            OffsetsTopicPartitions = groups.AtLeast("offsets-topic-num-partitions", groups.Read("offsets-topic-num-partitions", (c, k) => c.GetInt(k, kafka.OffsetsTopicPartitions)), 1),
            MinSessionTimeoutMs = minSession,
            MaxSessionTimeoutMs = maxSession,
            InitialRebalanceDelayMs = PositiveMs(groups, "initial-rebalance-delay", kafka.InitialRebalanceDelayMs, min: 0),
            MaxGroupSize = groups.AtLeast("max-size", groups.Read("max-size", (c, k) => c.GetInt(k, kafka.MaxGroupSize)), 1),
            OffsetsRetentionMs = groups.AtLeast("offsets-retention", groups.DurationMs("offsets-retention", kafka.OffsetsRetentionMs), 1, "ms"),
            OffsetsRetentionCheckInterval = TimeSpan.FromMilliseconds(
                PositiveMs(groups, "offsets-retention-check-interval", (long)kafka.OffsetsRetentionCheckInterval.TotalMilliseconds)),
            MaxOffsetMetadataBytes = groups.AtLeast("offset-metadata-max-bytes", groups.Read("offset-metadata-max-bytes", (c, k) => c.GetInt(k, kafka.MaxOffsetMetadataBytes)), 1),
        };

        var restartMin = PositiveMs(reader, "replica-restart-backoff-min", (long)defaults.ReplicaRestartBackoffMin.TotalMilliseconds);
        var restartMax = PositiveMs(reader, "replica-restart-backoff-max", (long)defaults.ReplicaRestartBackoffMax.TotalMilliseconds, min: restartMin);
        return new BrokerSettings
        {
            Groups = groupSettings,
            ReplicaRestartBackoffMin = TimeSpan.FromMilliseconds(restartMin),
            ReplicaRestartBackoffMax = TimeSpan.FromMilliseconds(restartMax),
            RecoveryProgressInterval = TimeSpan.FromMilliseconds(
                PositiveMs(reader, "recovery-progress-interval", (long)defaults.RecoveryProgressInterval.TotalMilliseconds)),
            NodeId = reader.AtLeast("node-id", reader.Read("node-id", (c, k) => c.GetInt(k, defaults.NodeId)), 0),
            DataDirectory = dataDirectory,
            Defaults = BrokerDefaults.FromConfig(section, path),
            Replica = new ReplicaSettings(
                reader.AtLeast("producer-snapshot-interval-batches", reader.Read("producer-snapshot-interval-batches", (c, k) => c.GetInt(k, defaults.Replica.SnapshotIntervalBatches)), 1),
                reader.AtLeast("producer-id-expiration", reader.DurationMs("producer-id-expiration", defaults.Replica.ProducerIdExpirationMs), 1, "ms")),
            RetentionCheckInterval = TimeSpan.FromMilliseconds(
                PositiveMs(reader, "log-retention-check-interval", (long)defaults.RetentionCheckInterval.TotalMilliseconds)),
        };
    }
}
