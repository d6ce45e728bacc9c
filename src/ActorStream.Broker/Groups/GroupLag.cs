using ActorStream.Actors;
using ActorStream.Broker.Replication;
using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Broker.Groups;

/// <summary>
/// How far a group is behind on one partition: in records (the high watermark minus the committed offset) and in time
/// (how old the next record it has not consumed is; zero when it is caught up). A partition assigned to a member but
/// never committed has <see cref="CommittedOffset"/> -1 and counts from the log start (the most it could still have
/// to read). <see cref="MemberId"/> is the member the partition is assigned to, if any (consumer groups only).
/// </summary>
public sealed record PartitionLag(TopicPartition TopicPartition, long CommittedOffset, long HighWatermark, long Lag, TimeSpan TimeLag, string? MemberId = null);

/// <summary>A group's description and its lag per partition.</summary>
public sealed record GroupLagReport(GroupDescription Group, IReadOnlyList<PartitionLag> Partitions);

/// <summary>The group's coordinator cannot answer now (loading, or its offsets partition is offline); retry later.</summary>
public sealed class GroupUnavailableException(string groupId, ErrorCode error)
    : Exception($"Group '{groupId}' cannot be described now ({error}); retry shortly")
{
    public ErrorCode Error { get; } = error;
}

/// <summary>Computes a group's lag from its committed offsets and the partitions' logs (for the admin API and CLI).</summary>
public static class GroupLag
{
    public static async Task<IReadOnlyList<PartitionLag>> DescribeAsync(BrokerNode broker, string groupId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        (await ReportAsync(broker, groupId, timeout, cancellationToken).ConfigureAwait(false)).Partitions;

    /// <summary>The group as its coordinator describes it, with its lag: one question of each kind to the coordinator.</summary>
    /// <exception cref="GroupUnavailableException">The coordinator cannot answer now.</exception>
    public static async Task<GroupLagReport> ReportAsync(BrokerNode broker, string groupId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var fetched = await broker.Groups.Ask<OffsetsFetched>(new FetchOffsets(groupId, null), timeout, cancellationToken).ConfigureAwait(false);
        var described = await broker.Groups.Ask<GroupDescription>(new DescribeGroup(groupId), timeout, cancellationToken).ConfigureAwait(false);
        // A coordinator still loading, or whose partition is offline, cannot say: that is not "no lag".
        if (fetched.Error != ErrorCode.None || described.Error != ErrorCode.None)
            throw new GroupUnavailableException(groupId, fetched.Error != ErrorCode.None ? fetched.Error : described.Error);
        var owners = AssignedPartitions(described);
        var offsets = fetched.Offsets.ToDictionary(o => o.TopicPartition, o => o.Offset);
        foreach (var assigned in owners.Keys)
            offsets.TryAdd(assigned, -1);

        long now = broker.System.Clock.UtcNow.ToUnixTimeMilliseconds();
        var lags = new List<PartitionLag>();
        foreach (var (topicPartition, committed) in offsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition))
        {
            if (!broker.Partitions.TryGet(topicPartition, out var partition))
                continue;
            long highWatermark = partition.HighWatermark;
            long from = Math.Max(committed, partition.LogStartOffset);
            long lag = Math.Max(0, highWatermark - from);
            var timeLag = TimeSpan.Zero;
            if (lag > 0 && await TimestampAtAsync(partition, from, cancellationToken).ConfigureAwait(false) is { } timestamp)
                timeLag = TimeSpan.FromMilliseconds(Math.Max(0, now - timestamp));
            lags.Add(new PartitionLag(topicPartition, committed, highWatermark, lag, timeLag, owners.GetValueOrDefault(topicPartition)));
        }

        return new GroupLagReport(described, lags);
    }

    /// <summary>Which member each partition is assigned to, read from a consumer group's assignments (empty for other protocol types).</summary>
    public static Dictionary<TopicPartition, string> AssignedPartitions(GroupDescription group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var owners = new Dictionary<TopicPartition, string>();
        if (group.ProtocolType != "consumer")
            return owners;
        foreach (var member in group.Members)
        {
            foreach (var topicPartition in ConsumerProtocol.AssignedPartitions(member.Assignment))
                owners.TryAdd(topicPartition, member.MemberId);
        }

        return owners;
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
