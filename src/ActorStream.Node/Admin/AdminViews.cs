namespace ActorStream.Node.Admin;

// What the admin API answers, as JSON (camelCase). Names follow Kafka's tools where they have one.

public sealed record BrokerView(int NodeId, string Host, int Port, string? Rack);

/// <summary>The cluster as this node sees it; <see cref="OfflinePartitions"/> are partitions it leads whose logs failed (being retried).</summary>
public sealed record ClusterView(string ClusterId, int ControllerId, int NodeId, long MetadataVersion, IReadOnlyList<BrokerView> Brokers, IReadOnlyList<OfflinePartitionView> OfflinePartitions);

public sealed record OfflinePartitionView(string Topic, int Partition, string Reason);

public sealed record TopicSummary(string Name, Guid TopicId, int Partitions, int ReplicationFactor, bool Internal);

public sealed record PartitionView(
    int Partition, int Leader, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr, bool Online, string? OfflineReason, long LogStartOffset, long HighWatermark, long LogEndOffset);

public sealed record TopicView(string Name, Guid TopicId, bool Internal, IReadOnlyDictionary<string, string> Configs, IReadOnlyList<PartitionView> Partitions);

public sealed record GroupSummary(string GroupId, string ProtocolType, string State);

public sealed record TopicPartitionsView(string Topic, IReadOnlyList<int> Partitions);

public sealed record MemberView(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, IReadOnlyList<TopicPartitionsView> Assignment);

/// <summary>One partition's lag: records behind the high watermark and the age of the first unconsumed record.</summary>
public sealed record PartitionLagView(string Topic, int Partition, long CommittedOffset, long HighWatermark, long Lag, long TimeLagMs, string? MemberId);

public sealed record GroupLagView(string GroupId, long TotalLag, long MaxTimeLagMs, IReadOnlyList<PartitionLagView> Partitions);

public sealed record GroupView(string GroupId, string State, string ProtocolType, string Protocol, IReadOnlyList<MemberView> Members, GroupLagView Lag);

public sealed record ErrorView(string Error);
