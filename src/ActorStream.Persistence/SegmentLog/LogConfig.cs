namespace ActorStream.Persistence.SegmentLog;

/// <summary>Which cleanup a log runs, as Kafka's <c>cleanup.policy</c>.</summary>
[Flags]
public enum CleanupPolicy
{
    None = 0,

    /// <summary>Delete whole segments by time and size (<c>delete</c>).</summary>
    Delete = 1,

    /// <summary>Keep the latest record per key (<c>compact</c>).</summary>
    Compact = 2,
}

/// <summary>Settings of one log, named after Kafka's topic configs; defaults are Kafka's.</summary>
public sealed record LogConfig
{
    public static LogConfig Default { get; } = new();

    /// <summary><c>segment.bytes</c>: roll when the active segment would grow past this.</summary>
    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary><c>segment.ms</c>: roll when the active segment is this old.</summary>
    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary><c>index.interval.bytes</c>: bytes of log between two sparse index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary><c>segment.index.bytes</c>: the most bytes one offset or time index may hold; full means roll.</summary>
    public int MaxIndexSize { get; init; } = 10 * 1024 * 1024;

    /// <summary><c>flush.messages</c>: fsync after this many records; <see cref="long.MaxValue"/> leaves it to the OS.</summary>
    public long FlushMessages { get; init; } = long.MaxValue;

    /// <summary><c>flush.ms</c>: fsync when unflushed data is this old; <see cref="long.MaxValue"/> is off.</summary>
    public long FlushMs { get; init; } = long.MaxValue;

    /// <summary><c>retention.ms</c>: delete segments whose newest record is older than this; -1 keeps forever.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary><c>retention.bytes</c>: delete oldest segments while the log is larger; -1 is unlimited.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary><c>cleanup.policy</c>.</summary>
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary><c>delete.retention.ms</c>: how long compaction keeps tombstones.</summary>
    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    /// <summary>
    /// <c>min.cleanable.dirty.ratio</c>: <see cref="Log.Compact"/> runs only once the bytes appended since the last
    /// compaction are at least this share of the compactable log (or <see cref="MaxCompactionLagMs"/> forces it).
    /// </summary>
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    /// <summary><c>min.compaction.lag.ms</c>: a segment holding a record younger than this is not compacted yet.</summary>
    public long MinCompactionLagMs { get; init; }

    /// <summary><c>max.compaction.lag.ms</c>: uncompacted records older than this make compaction run whatever the dirty ratio.</summary>
    public long MaxCompactionLagMs { get; init; } = long.MaxValue;

    /// <summary><c>max.message.bytes</c>: the largest batch an append accepts.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024 + 12;

    /// <summary>Throws when a setting is out of range, naming the Kafka key.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (SegmentBytes < 14)
            throw new ArgumentException($"segment.bytes must be at least 14, was {SegmentBytes}");
        if (SegmentMs < 1)
            throw new ArgumentException($"segment.ms must be at least 1, was {SegmentMs}");
        if (IndexIntervalBytes < 0)
            throw new ArgumentException($"index.interval.bytes must be non-negative, was {IndexIntervalBytes}");
        if (MaxIndexSize < 12)
            throw new ArgumentException($"segment.index.bytes must be at least 12, was {MaxIndexSize}");
        if (FlushMessages < 1)
            throw new ArgumentException($"flush.messages must be at least 1, was {FlushMessages}");
        if (FlushMs < 0)
            throw new ArgumentException($"flush.ms must be non-negative, was {FlushMs}");
        if (RetentionMs < -1)
            throw new ArgumentException($"retention.ms must be -1 or more, was {RetentionMs}");
        if (RetentionBytes < -1)
            throw new ArgumentException($"retention.bytes must be -1 or more, was {RetentionBytes}");
        if (DeleteRetentionMs < 0)
            throw new ArgumentException($"delete.retention.ms must be non-negative, was {DeleteRetentionMs}");
        if (MinCompactionLagMs < 0)
            throw new ArgumentException($"min.compaction.lag.ms must be non-negative, was {MinCompactionLagMs}");
        if (MaxCompactionLagMs < 1)
            throw new ArgumentException($"max.compaction.lag.ms must be at least 1, was {MaxCompactionLagMs}");
        if (MinCleanableDirtyRatio is < 0 or > 1)
            throw new ArgumentException($"min.cleanable.dirty.ratio must be from 0 to 1, was {MinCleanableDirtyRatio}");
        if (MaxMessageBytes < 0)
            throw new ArgumentException($"max.message.bytes must be non-negative, was {MaxMessageBytes}");
    }
}
