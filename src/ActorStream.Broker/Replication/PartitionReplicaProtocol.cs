using ActorStream.Broker.Topics;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Replication;

/// <summary>
/// How a topic's settings bear on a replica: the log's shape plus the checks on every produce.
/// </summary>
public sealed record ReplicaPolicy(
    LogConfig LogConfig,
    int MaxMessageBytes,
    TimestampType TimestampType,
    int MinInsyncReplicas,
    CompressionType? Compression = null,
    long TimestampBeforeMaxMs = long.MaxValue,
    long TimestampAfterMaxMs = long.MaxValue)
{
    /// <summary>What a topic's config overrides, over the broker defaults, make its replicas enforce.</summary>
    public static ReplicaPolicy For(TopicConfig config, BrokerDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(config);
        var effective = config.Resolve(defaults);
        return new ReplicaPolicy(
            effective.ToLogConfig(), effective.MaxMessageBytes, effective.TimestampType, effective.MinInsyncReplicas,
            effective.Compression, effective.TimestampBeforeMaxMs, effective.TimestampAfterMaxMs);
    }
}

/// <summary>
/// Asks the leader replica to append a producer's record batches. <paramref name="Records"/> is a slice of the request
/// frame, edited in place (offsets, leader epoch) and written unchanged; the sender keeps it alive until answered.
/// </summary>
public sealed record AppendRecords(ReadOnlyMemory<byte> Records, short RequiredAcks);

/// <summary>The answer to <see cref="AppendRecords"/>: where the first record landed, or why nothing was appended.</summary>
public sealed record AppendResult(ErrorCode Error, string? Message, long BaseOffset, long LogAppendTime, long LogStartOffset)
{
    public static AppendResult Failed(ErrorCode error, string message) => new(error, message, -1, -1, -1);
}

/// <summary>New settings for the replica after its topic's configs were altered.</summary>
public sealed record UpdateReplicaPolicy(ReplicaPolicy Policy);

/// <summary>Runs retention (delete) and compaction (compact) now; the replica manager sends it on a timer.</summary>
public sealed record CheckRetention
{
    public static readonly CheckRetention Instance = new();
}

/// <summary>Asks the replica to finish its writes, close its log and stop; with Delete, its files are removed too.</summary>
public sealed record StopReplica(bool Delete);

/// <summary>The replica has closed its log (and deleted its files when asked) and is stopping.</summary>
public sealed record ReplicaStopped(TopicPartition TopicPartition);

/// <summary>Sent by a replica to its parent once recovery completed and it serves requests.</summary>
public sealed record ReplicaReady(TopicPartition TopicPartition, long LogStartOffset, long LogEndOffset, int Producers);
