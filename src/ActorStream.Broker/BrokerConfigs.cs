using ActorStream.Broker.Topics;
using static ActorStream.Broker.Topics.ConfigValues;

namespace ActorStream.Broker;

/// <summary>
/// This broker's settings under Kafka's broker config names, for DescribeConfigs on a broker resource (what
/// kafka-configs --describe --broker and admin UIs show). Each value is the effective one; the source is
/// <see cref="ConfigSource.DefaultConfig"/> when it is Kafka's default and <see cref="ConfigSource.StaticBrokerConfig"/>
/// when HOCON changed it. All are read-only: broker settings change by editing the configuration and restarting.
/// </summary>
public static class BrokerConfigs
{
    private sealed record Definition(string Name, ConfigType Type, Func<BrokerSettings, string> Value, bool HasDefault = true);

    private static readonly Definition[] All =
    [
        new("auto.create.topics.enable", ConfigType.Boolean, s => s.Defaults.AutoCreateTopicsEnable ? "true" : "false"),
        new("broker.id", ConfigType.Int, s => Render(s.NodeId), HasDefault: false),
        new("compression.type", ConfigType.String, s => Render(s.Defaults.CompressionType)),
        new("default.replication.factor", ConfigType.Int, s => Render(s.Defaults.DefaultReplicationFactor)),
        new("group.initial.rebalance.delay.ms", ConfigType.Int, s => Render(s.Groups.InitialRebalanceDelayMs)),
        new("group.max.session.timeout.ms", ConfigType.Int, s => Render(s.Groups.MaxSessionTimeoutMs)),
        new("group.max.size", ConfigType.Int, s => Render(s.Groups.MaxGroupSize)),
        new("group.min.session.timeout.ms", ConfigType.Int, s => Render(s.Groups.MinSessionTimeoutMs)),
        new("log.cleaner.delete.retention.ms", ConfigType.Long, s => Render(s.Defaults.LogCleanerDeleteRetentionMs)),
        new("log.cleaner.max.compaction.lag.ms", ConfigType.Long, s => Render(s.Defaults.LogCleanerMaxCompactionLagMs)),
        new("log.cleaner.min.cleanable.ratio", ConfigType.Double, s => Render(s.Defaults.LogCleanerMinCleanableRatio)),
        new("log.cleaner.min.compaction.lag.ms", ConfigType.Long, s => Render(s.Defaults.LogCleanerMinCompactionLagMs)),
        new("log.cleanup.policy", ConfigType.List, s => Render(s.Defaults.LogCleanupPolicy)),
        new("log.dirs", ConfigType.String, s => s.DataDirectory, HasDefault: false),
        new("log.flush.interval.messages", ConfigType.Long, s => Render(s.Defaults.LogFlushIntervalMessages)),
        new("log.flush.interval.ms", ConfigType.Long, s => Render(s.Defaults.LogFlushIntervalMs)),
        new("log.index.interval.bytes", ConfigType.Int, s => Render(s.Defaults.LogIndexIntervalBytes)),
        new("log.index.size.max.bytes", ConfigType.Int, s => Render(s.Defaults.LogIndexSizeMaxBytes)),
        new("log.message.timestamp.after.max.ms", ConfigType.Long, s => Render(s.Defaults.LogMessageTimestampAfterMaxMs)),
        new("log.message.timestamp.before.max.ms", ConfigType.Long, s => Render(s.Defaults.LogMessageTimestampBeforeMaxMs)),
        new("log.message.timestamp.type", ConfigType.String, s => Render(s.Defaults.LogMessageTimestampType)),
        new("log.retention.bytes", ConfigType.Long, s => Render(s.Defaults.LogRetentionBytes)),
        new("log.retention.check.interval.ms", ConfigType.Long, s => Render((long)s.RetentionCheckInterval.TotalMilliseconds)),
        new("log.retention.ms", ConfigType.Long, s => Render(s.Defaults.LogRetentionMs)),
        new("log.roll.ms", ConfigType.Long, s => Render(s.Defaults.LogRollMs)),
        new("log.segment.bytes", ConfigType.Int, s => Render(s.Defaults.LogSegmentBytes)),
        new("message.max.bytes", ConfigType.Int, s => Render(s.Defaults.MessageMaxBytes)),
        new("min.insync.replicas", ConfigType.Int, s => Render(s.Defaults.MinInsyncReplicas)),
        new("node.id", ConfigType.Int, s => Render(s.NodeId), HasDefault: false),
        new("num.partitions", ConfigType.Int, s => Render(s.Defaults.NumPartitions)),
        new("offset.metadata.max.bytes", ConfigType.Int, s => Render(s.Groups.MaxOffsetMetadataBytes)),
        new("offsets.retention.check.interval.ms", ConfigType.Long, s => Render((long)s.Groups.OffsetsRetentionCheckInterval.TotalMilliseconds)),
        new("offsets.retention.minutes", ConfigType.Int, s => Render(s.Groups.OffsetsRetentionMs / 60_000)),
        new("offsets.topic.num.partitions", ConfigType.Int, s => Render(s.Groups.OffsetsTopicPartitions)),
        new("producer.id.expiration.ms", ConfigType.Int, s => Render(s.Replica.ProducerIdExpirationMs)),
    ];

    /// <summary>The entries, in name order, or only those named (unknown names are left out, as Kafka does).</summary>
    public static IReadOnlyList<ConfigEntry> Describe(BrokerSettings settings, IEnumerable<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var kafka = new BrokerSettings { DataDirectory = settings.DataDirectory };
        var wanted = names is null ? null : new HashSet<string>(names, StringComparer.Ordinal);
        var entries = new List<ConfigEntry>();
        foreach (var definition in All)
        {
            if (wanted is not null && !wanted.Contains(definition.Name))
                continue;
            string value = definition.Value(settings);
            var source = definition.HasDefault && value == definition.Value(kafka) ? ConfigSource.DefaultConfig : ConfigSource.StaticBrokerConfig;
            entries.Add(new ConfigEntry(definition.Name, value, source, source == ConfigSource.DefaultConfig, ReadOnly: true, Sensitive: false) { Type = definition.Type });
        }

        return entries;
    }
}
