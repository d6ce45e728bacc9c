namespace ActorStream.Broker.Groups;

/// <summary>Settings of group coordination, with Kafka's defaults (actorstream.broker.groups in HOCON).</summary>
public sealed record GroupSettings
{
    /// <summary>Kafka's offsets.topic.num.partitions.</summary>
    public int OffsetsTopicPartitions { get; init; } = 50;

    /// <summary>Kafka's group.min.session.timeout.ms.</summary>
    public int MinSessionTimeoutMs { get; init; } = 6000;

    /// <summary>Kafka's group.max.session.timeout.ms.</summary>
    public int MaxSessionTimeoutMs { get; init; } = 1_800_000;

    /// <summary>Kafka's group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members.</summary>
    public int InitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary>Kafka's group.max.size.</summary>
    public int MaxGroupSize { get; init; } = int.MaxValue;

    /// <summary>Kafka's offsets.retention.minutes, in ms: how long an empty group's offsets are kept after it became empty.</summary>
    public long OffsetsRetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>Kafka's offsets.retention.check.interval.ms.</summary>
    public TimeSpan OffsetsRetentionCheckInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Kafka's offset.metadata.max.bytes.</summary>
    public int MaxOffsetMetadataBytes { get; init; } = 4096;
}
