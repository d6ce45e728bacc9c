namespace ActorStream.Broker.Topics;

/// <summary>The topic-level config names this broker supports (Kafka's <c>TopicConfig</c> names).</summary>
public static class TopicConfigNames
{
    public const string CleanupPolicy = "cleanup.policy";
    public const string CompressionType = "compression.type";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string FlushMessages = "flush.messages";
    public const string FlushMs = "flush.ms";
    public const string IndexIntervalBytes = "index.interval.bytes";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string MessageTimestampBeforeMaxMs = "message.timestamp.before.max.ms";
    public const string MessageTimestampAfterMaxMs = "message.timestamp.after.max.ms";
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
    public const string MinInsyncReplicas = "min.insync.replicas";
    public const string MinCompactionLagMs = "min.compaction.lag.ms";
    public const string MaxCompactionLagMs = "max.compaction.lag.ms";
    public const string RetentionBytes = "retention.bytes";
    public const string RetentionMs = "retention.ms";
    public const string SegmentBytes = "segment.bytes";
    public const string SegmentIndexBytes = "segment.index.bytes";
    public const string SegmentMs = "segment.ms";

    /// <summary><c>cleanup.policy</c> element: delete old segments by time and size.</summary>
    public const string PolicyDelete = "delete";

    /// <summary><c>cleanup.policy</c> element: keep the latest record per key.</summary>
    public const string PolicyCompact = "compact";
}
