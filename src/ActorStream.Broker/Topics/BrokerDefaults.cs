using ActorStream.Hocon;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Topics;

/// <summary>
/// The broker-wide defaults of <c>actorstream.broker</c>: Kafka's broker settings of the same meaning, written
/// HOCON-style (<c>log.retention.ms</c> is <c>log-retention = 7 days</c>). A topic's override wins over them.
/// The property defaults (<see cref="Kafka"/>) are Kafka's own defaults.
/// </summary>
public sealed record BrokerDefaults
{
    private const long Day = 24L * 60 * 60 * 1000;

    /// <summary>Kafka's built-in defaults.</summary>
    public static BrokerDefaults Kafka { get; } = new();

    /// <summary><c>auto.create.topics.enable</c>: Metadata and Produce requests for an unknown topic create it.</summary>
    public bool AutoCreateTopicsEnable { get; init; } = true;

    /// <summary><c>num.partitions</c>: partitions of a topic created without a count.</summary>
    public int NumPartitions { get; init; } = 1;

    /// <summary><c>default.replication.factor</c>: replicas of a topic created without a factor.</summary>
    public short DefaultReplicationFactor { get; init; } = 1;

    /// <summary><c>log.retention.ms</c> (topic <c>retention.ms</c>); -1 keeps forever.</summary>
    public long LogRetentionMs { get; init; } = 7 * Day;

    /// <summary><c>log.retention.bytes</c> (topic <c>retention.bytes</c>); -1 is unlimited.</summary>
    public long LogRetentionBytes { get; init; } = -1;

    /// <summary><c>log.segment.bytes</c> (topic <c>segment.bytes</c>).</summary>
    public int LogSegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary><c>log.roll.ms</c> (topic <c>segment.ms</c>).</summary>
    public long LogRollMs { get; init; } = 7 * Day;

    /// <summary><c>log.cleanup.policy</c> (topic <c>cleanup.policy</c>).</summary>
    public CleanupPolicy LogCleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary><c>min.insync.replicas</c>.</summary>
    public int MinInsyncReplicas { get; init; } = 1;

    /// <summary><c>message.max.bytes</c> (topic <c>max.message.bytes</c>).</summary>
    public int MessageMaxBytes { get; init; } = 1024 * 1024 + 12;

    /// <summary><c>log.message.timestamp.type</c> (topic <c>message.timestamp.type</c>).</summary>
    public TimestampType LogMessageTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary><c>compression.type</c> (topic <c>compression.type</c>); null is "producer".</summary>
    public CompressionType? CompressionType { get; init; }

    /// <summary><c>log.message.timestamp.before.max.ms</c> (topic <c>message.timestamp.before.max.ms</c>); <see cref="long.MaxValue"/> is no limit.</summary>
    public long LogMessageTimestampBeforeMaxMs { get; init; } = long.MaxValue;

    /// <summary><c>log.message.timestamp.after.max.ms</c> (topic <c>message.timestamp.after.max.ms</c>); <see cref="long.MaxValue"/> is no limit.</summary>
    public long LogMessageTimestampAfterMaxMs { get; init; } = long.MaxValue;

    /// <summary><c>log.cleaner.delete.retention.ms</c> (topic <c>delete.retention.ms</c>).</summary>
    public long LogCleanerDeleteRetentionMs { get; init; } = Day;

    /// <summary><c>log.cleaner.min.cleanable.ratio</c> (topic <c>min.cleanable.dirty.ratio</c>).</summary>
    public double LogCleanerMinCleanableRatio { get; init; } = 0.5;

    /// <summary><c>log.cleaner.min.compaction.lag.ms</c> (topic <c>min.compaction.lag.ms</c>).</summary>
    public long LogCleanerMinCompactionLagMs { get; init; }

    /// <summary><c>log.cleaner.max.compaction.lag.ms</c> (topic <c>max.compaction.lag.ms</c>); <see cref="long.MaxValue"/> is off.</summary>
    public long LogCleanerMaxCompactionLagMs { get; init; } = long.MaxValue;

    /// <summary><c>log.flush.interval.messages</c> (topic <c>flush.messages</c>); <see cref="long.MaxValue"/> is off.</summary>
    public long LogFlushIntervalMessages { get; init; } = long.MaxValue;

    /// <summary><c>log.flush.interval.ms</c> (topic <c>flush.ms</c>); <see cref="long.MaxValue"/> is off.</summary>
    public long LogFlushIntervalMs { get; init; } = long.MaxValue;

    /// <summary><c>log.index.interval.bytes</c> (topic <c>index.interval.bytes</c>).</summary>
    public int LogIndexIntervalBytes { get; init; } = 4096;

    /// <summary><c>log.index.size.max.bytes</c> (topic <c>segment.index.bytes</c>).</summary>
    public int LogIndexSizeMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>The effective settings of a topic without overrides.</summary>
    public EffectiveTopicConfig TopicDefaults() => new()
    {
        RetentionMs = LogRetentionMs,
        RetentionBytes = LogRetentionBytes,
        SegmentBytes = LogSegmentBytes,
        SegmentMs = LogRollMs,
        CleanupPolicy = LogCleanupPolicy,
        MinInsyncReplicas = MinInsyncReplicas,
        MaxMessageBytes = MessageMaxBytes,
        TimestampType = LogMessageTimestampType,
        DeleteRetentionMs = LogCleanerDeleteRetentionMs,
        Compression = CompressionType,
        TimestampBeforeMaxMs = LogMessageTimestampBeforeMaxMs,
        TimestampAfterMaxMs = LogMessageTimestampAfterMaxMs,
        MinCleanableDirtyRatio = LogCleanerMinCleanableRatio,
        MinCompactionLagMs = LogCleanerMinCompactionLagMs,
        MaxCompactionLagMs = LogCleanerMaxCompactionLagMs,
        FlushMessages = LogFlushIntervalMessages,
        FlushMs = LogFlushIntervalMs,
        SegmentIndexBytes = LogIndexSizeMaxBytes,
        IndexIntervalBytes = LogIndexIntervalBytes,
    };

    /// <summary>
    /// Reads and validates the <c>actorstream.broker</c> section; a missing key takes Kafka's default. Errors are
    /// <see cref="ConfigException"/>s naming the full key (<paramref name="path"/> + key) and the expected form.
    /// </summary>
    /// <param name="brokerSection">The section itself, e.g. <c>root.GetConfig("actorstream.broker")</c>.</param>
    /// <param name="path">Where the section sits, used only to name keys in errors.</param>
    public static BrokerDefaults FromConfig(Config brokerSection, string path = "actorstream.broker")
    {
        ArgumentNullException.ThrowIfNull(brokerSection);
        var reader = new SectionReader(brokerSection, string.IsNullOrEmpty(path) ? "" : path + ".");
        var kafka = Kafka;
        return new BrokerDefaults
        {
            AutoCreateTopicsEnable = reader.Read("auto-create-topics-enable", (c, k) => c.GetBoolean(k, kafka.AutoCreateTopicsEnable)),
            NumPartitions = reader.AtLeast("num-partitions", reader.Read("num-partitions", (c, k) => c.GetInt(k, kafka.NumPartitions)), 1),
            DefaultReplicationFactor = (short)reader.Within(
                "default-replication-factor",
                reader.Read("default-replication-factor", (c, k) => c.GetInt(k, kafka.DefaultReplicationFactor)),
                1,
                short.MaxValue),
            LogRetentionMs = reader.AtLeast("log-retention", reader.DurationMsOr("log-retention", "infinite", -1, kafka.LogRetentionMs), -1, "ms", "infinite"),
            LogRetentionBytes = reader.AtLeast(
                "log-retention-bytes", reader.SizeOr("log-retention-bytes", "unlimited", -1, kafka.LogRetentionBytes), -1, " bytes", "unlimited"),
            LogSegmentBytes = (int)reader.Within("log-segment-bytes", reader.Size("log-segment-bytes", kafka.LogSegmentBytes), 14, int.MaxValue),
            LogRollMs = reader.AtLeast("log-roll", reader.DurationMs("log-roll", kafka.LogRollMs), 1, "ms"),
            LogCleanupPolicy = reader.CleanupPolicy("log-cleanup-policy", kafka.LogCleanupPolicy),
            MinInsyncReplicas = reader.AtLeast(
                "min-insync-replicas", reader.Read("min-insync-replicas", (c, k) => c.GetInt(k, kafka.MinInsyncReplicas)), 1),
            MessageMaxBytes = (int)reader.Within("message-max-bytes", reader.Size("message-max-bytes", kafka.MessageMaxBytes), 0, int.MaxValue),
            LogMessageTimestampType = reader.TimestampType("log-message-timestamp-type", kafka.LogMessageTimestampType),
            LogMessageTimestampBeforeMaxMs = UnlimitedMs(reader, "log-message-timestamp-before-max", kafka.LogMessageTimestampBeforeMaxMs),
            LogMessageTimestampAfterMaxMs = UnlimitedMs(reader, "log-message-timestamp-after-max", kafka.LogMessageTimestampAfterMaxMs),
            CompressionType = reader.CompressionType("compression-type", kafka.CompressionType),
            LogCleanerDeleteRetentionMs = reader.AtLeast(
                "log-cleaner-delete-retention", reader.DurationMs("log-cleaner-delete-retention", kafka.LogCleanerDeleteRetentionMs), 0, "ms"),
            LogCleanerMinCleanableRatio = reader.Ratio("log-cleaner-min-cleanable-ratio", kafka.LogCleanerMinCleanableRatio),
            LogCleanerMinCompactionLagMs = reader.AtLeast(
                "log-cleaner-min-compaction-lag", reader.DurationMs("log-cleaner-min-compaction-lag", kafka.LogCleanerMinCompactionLagMs), 0, "ms"),
            LogCleanerMaxCompactionLagMs = reader.AtLeast(
                "log-cleaner-max-compaction-lag",
                reader.DurationMsOr("log-cleaner-max-compaction-lag", "infinite", long.MaxValue, kafka.LogCleanerMaxCompactionLagMs),
                1,
                "ms",
                "infinite"),
            LogFlushIntervalMessages = reader.AtLeast(
                "log-flush-interval-messages",
                reader.LongOr("log-flush-interval-messages", "none", long.MaxValue, kafka.LogFlushIntervalMessages),
                1,
                alternative: "none"),
            LogFlushIntervalMs = reader.AtLeast(
                "log-flush-interval", reader.DurationMsOr("log-flush-interval", "none", long.MaxValue, kafka.LogFlushIntervalMs), 0, "ms", "none"),
            LogIndexIntervalBytes = (int)reader.Within(
                "log-index-interval-bytes", reader.Size("log-index-interval-bytes", kafka.LogIndexIntervalBytes), 0, int.MaxValue),
            LogIndexSizeMaxBytes = (int)reader.Within(
                "log-index-size-max-bytes", reader.Size("log-index-size-max-bytes", kafka.LogIndexSizeMaxBytes), 12, int.MaxValue),
        };
    }

    // A non-negative duration, or "unlimited" for no limit.
    private static long UnlimitedMs(SectionReader reader, string key, long defaultMs) =>
        reader.AtLeast(key, reader.DurationMsOr(key, "unlimited", long.MaxValue, defaultMs), 0, "ms", "unlimited");
}
