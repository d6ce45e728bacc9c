using ActorStream.Actors;
using ActorStream.Broker.Replication;
using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Broker.Groups;

/// <summary>
/// How far a group is behind on one partition: in records (the high watermark minus the committed offset) and in time
/// (how old the next record it has not consumed is; zero when it is caught up). A partition without a commit counts
/// from the log start.
/// </summary>
public sealed record PartitionLag(TopicPartition TopicPartition, long CommittedOffset, long HighWatermark, long Lag, TimeSpan TimeLag);

/// <summary>Computes a group's lag from its committed offsets and the partitions' logs (for the admin API and CLI).</summary>
public static class GroupLag
{
    public static async Task<IReadOnlyList<PartitionLag>> DescribeAsync(BrokerNode broker, string groupId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var fetched = await broker.Groups.Ask<OffsetsFetched>(new FetchOffsets(groupId, null), timeout, cancellationToken).ConfigureAwait(false);
        long now = broker.System.Clock.UtcNow.ToUnixTimeMilliseconds();
        var lags = new List<PartitionLag>();
        foreach (var committed in fetched.Offsets.OrderBy(o => o.TopicPartition.Topic, StringComparer.Ordinal).ThenBy(o => o.TopicPartition.Partition))
        {
            if (!broker.Partitions.TryGet(committed.TopicPartition, out var partition))
                continue;
            long highWatermark = partition.HighWatermark;
            long from = Math.Max(committed.Offset, partition.LogStartOffset);
            long lag = Math.Max(0, highWatermark - from);
            var timeLag = TimeSpan.Zero;
            if (lag > 0 && await TimestampAtAsync(partition, from, cancellationToken).ConfigureAwait(false) is { } timestamp)
                timeLag = TimeSpan.FromMilliseconds(Math.Max(0, now - timestamp));
            lags.Add(new PartitionLag(committed.TopicPartition, committed.Offset, highWatermark, lag, timeLag));
        }

        return lags;
    }

    // The timestamp of the first record at or after the offset (its batch is read; compressed batches give the batch's).
    private static async Task<long?> TimestampAtAsync(PartitionState partition, long offset, CancellationToken cancellationToken)
    {
        try
        {
            using var read = await partition.ReadAsync(offset, 1, cancellationToken).ConfigureAwait(false);
            return FirstTimestamp(read.Records.Span, offset);
        }
        catch (OffsetOutOfRangeException)
        {
            return null;
        }
    }

    private static long? FirstTimestamp(ReadOnlySpan<byte> records, long offset)
    {
        var scanner = new Records.RecordBatchScanner(records, validateCrc: false);
        if (!scanner.MoveNext())
            return null;
        var batch = scanner.Current;
        if (!Records.RecordCompression.CanDecompress(batch.Compression))
            return batch.MaxTimestamp;
        foreach (var record in batch.GetRecords())
        {
            if (record.Offset >= offset)
                return record.Timestamp;
        }

        return batch.MaxTimestamp;
    }
}
