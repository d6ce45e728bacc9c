namespace ActorStream.Records;

/// <summary>Batch-level settings for <see cref="RecordBatchBuilder"/>. Defaults match a non-idempotent producer.</summary>
public sealed record RecordBatchOptions
{
    public static RecordBatchOptions Default { get; } = new();

    public long BaseOffset { get; init; }

    /// <summary>Producers send -1; the leader assigns its epoch on append.</summary>
    public int PartitionLeaderEpoch { get; init; } = RecordBatchLayout.NoPartitionLeaderEpoch;

    public CompressionType Compression { get; init; } = CompressionType.None;

    public TimestampType TimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>The broker's append time, required when <see cref="TimestampType"/> is LogAppendTime.</summary>
    public long LogAppendTime { get; init; } = RecordBatchLayout.NoTimestamp;

    public long ProducerId { get; init; } = RecordBatchLayout.NoProducerId;

    public short ProducerEpoch { get; init; } = RecordBatchLayout.NoProducerEpoch;

    public int BaseSequence { get; init; } = RecordBatchLayout.NoSequence;

    public bool IsTransactional { get; init; }

    public bool IsControl { get; init; }

    /// <summary>When set, stored as the base timestamp with the delete-horizon flag (compaction output).</summary>
    public long? DeleteHorizonMs { get; init; }
}
