using ActorStream.Actors;
using ActorStream.Broker.Replication;
using ActorStream.Records;

namespace ActorStream.Broker.Groups;

/// <summary>
/// A group's records go to its __consumer_offsets partition through that partition's leader replica, as any producer's
/// would: one batch per write, acks=all, so a coordinator's state is exactly as durable (and, with replication, as
/// replicated) as the partition. The replica is looked up for every write, so a partition whose log failed and was
/// reopened (a new replica) is written to again; while it is offline a write fails at once with KAFKA_STORAGE_ERROR.
/// </summary>
internal sealed class OffsetsTopicLog(PartitionRegistry partitions, TopicPartition topicPartition, TimeSpan timeout, Func<long> now) : IGroupLog
{
    public async Task<ErrorCode> AppendAsync(IReadOnlyList<(byte[] Key, byte[]? Value)> records)
    {
        byte[] batch;
        using (var builder = new RecordBatchBuilder())
        {
            long timestamp = now();
            foreach (var (key, value) in records)
                builder.Append(timestamp, key, value);
            batch = builder.ToArray();
        }

        if (!partitions.TryGet(topicPartition, out var partition))
            return ErrorCode.KafkaStorageError;
        try
        {
            var append = partition.Replica.Ask<AppendResult>(new AppendRecords(batch, -1), timeout);
            if (!await partition.AnsweredBeforeOfflineAsync(append).ConfigureAwait(false))
                return ErrorCode.KafkaStorageError; // the replica stopped with the write in flight
            return (await append.ConfigureAwait(false)).Error;
        }
        catch (AskTimeoutException)
        {
            return ErrorCode.RequestTimedOut;
        }
    }
}

/// <summary>Which __consumer_offsets partition holds a group: Kafka's abs(groupId.hashCode()) % partitions, so tools agree.</summary>
public static class GroupPartitioner
{
    public const string OffsetsTopic = "__consumer_offsets";

    public static int PartitionFor(string groupId, int partitions)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        int hash = JavaStringHashCode(groupId);
        int abs = hash == int.MinValue ? 0 : Math.Abs(hash);
        return abs % partitions;
    }

    /// <summary>Java's String.hashCode: s[0]*31^(n-1) + ... over UTF-16 code units, wrapping.</summary>
    public static int JavaStringHashCode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int hash = 0;
        foreach (char c in value)
            hash = unchecked((31 * hash) + c);
        return hash;
    }
}
