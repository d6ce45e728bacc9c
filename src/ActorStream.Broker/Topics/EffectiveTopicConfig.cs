using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Topics;

/// <summary>
/// Every topic-level setting with its effective value: the topic's override, else the broker default.
/// Made by <see cref="TopicConfig.Resolve"/>; the Kafka name of each property is in its summary.
/// </summary>
public sealed record EffectiveTopicConfig
{
    /// <summary><c>retention.ms</c>; -1 keeps forever.</summary>
    public required long RetentionMs { get; init; }

    /// <summary><c>retention.bytes</c>; -1 is unlimited.</summary>
    public required long RetentionBytes { get; init; }

    /// <summary><c>segment.bytes</c>.</summary>
    public required int SegmentBytes { get; init; }

    /// <summary><c>segment.ms</c>.</summary>
    public required long SegmentMs { get; init; }

    /// <summary><c>cleanup.policy</c>.</summary>
    public required CleanupPolicy CleanupPolicy { get; init; }

    /// <summary><c>min.insync.replicas</c>.</summary>
    public required int MinInsyncReplicas { get; init; }

    /// <summary><c>max.message.bytes</c>: the largest record batch the topic accepts.</summary>
    public required int MaxMessageBytes { get; init; }

    /// <summary><c>message.timestamp.type</c>.</summary>
    public required TimestampType TimestampType { get; init; }

    /// <summary><c>compression.type</c>: the codec batches are stored in; null is "producer" (as sent).</summary>
    public required CompressionType? Compression { get; init; }

    /// <summary><c>message.timestamp.before.max.ms</c>: how far a CreateTime timestamp may lag the broker's clock.</summary>
    public required long TimestampBeforeMaxMs { get; init; }

    /// <summary><c>message.timestamp.after.max.ms</c>: how far a CreateTime timestamp may run ahead of the broker's clock.</summary>
    public required long TimestampAfterMaxMs { get; init; }

    /// <summary><c>delete.retention.ms</c>: how long compaction keeps tombstones.</summary>
    public required long DeleteRetentionMs { get; init; }

    /// <summary><c>min.cleanable.dirty.ratio</c>.</summary>
    public required double MinCleanableDirtyRatio { get; init; }

    /// <summary><c>min.compaction.lag.ms</c>: records younger than this are not compacted.</summary>
    public required long MinCompactionLagMs { get; init; }

    /// <summary><c>max.compaction.lag.ms</c>: uncompacted records older than this force a compaction.</summary>
    public required long MaxCompactionLagMs { get; init; }

    /// <summary><c>flush.messages</c>; <see cref="long.MaxValue"/> leaves flushing to the OS.</summary>
    public required long FlushMessages { get; init; }

    /// <summary><c>flush.ms</c>; <see cref="long.MaxValue"/> is off.</summary>
    public required long FlushMs { get; init; }

    /// <summary><c>segment.index.bytes</c>.</summary>
    public required int SegmentIndexBytes { get; init; }

    /// <summary><c>index.interval.bytes</c>.</summary>
    public required int IndexIntervalBytes { get; init; }

    /// <summary>The segment log's settings for a replica of this topic.</summary>
    public LogConfig ToLogConfig() => new()
    {
        SegmentBytes = SegmentBytes,
        SegmentMs = SegmentMs,
        IndexIntervalBytes = IndexIntervalBytes,
        MaxIndexSize = SegmentIndexBytes,
        FlushMessages = FlushMessages,
        FlushMs = FlushMs,
        RetentionMs = RetentionMs,
        RetentionBytes = RetentionBytes,
        CleanupPolicy = CleanupPolicy,
        DeleteRetentionMs = DeleteRetentionMs,
        MinCleanableDirtyRatio = MinCleanableDirtyRatio,
        MinCompactionLagMs = MinCompactionLagMs,
        MaxCompactionLagMs = MaxCompactionLagMs,
        MaxMessageBytes = MaxMessageBytes,
    };
}
