using System.Collections.Immutable;
using ActorStream.Broker.Topics;

namespace ActorStream.Broker.Metadata;

/// <summary>A broker as clients see it: where to connect.</summary>
public sealed record BrokerInfo(int NodeId, string Host, int Port, string? Rack = null);

/// <summary>One partition's placement: its leader, the leader's epoch, the replicas and which of them are in sync.</summary>
public sealed record PartitionImage(int Index, int Leader, int LeaderEpoch, ImmutableArray<int> Replicas, ImmutableArray<int> Isr);

/// <summary>A topic: its id (new on every creation, so a re-created topic is a different topic), partitions and config overrides.</summary>
public sealed record TopicImage(string Name, Guid TopicId, ImmutableArray<PartitionImage> Partitions, TopicConfig Config)
{
    /// <summary>Topics whose name starts with "__" belong to the broker (consumer offsets, for instance).</summary>
    public bool IsInternal => Name.StartsWith("__", StringComparison.Ordinal);
}

/// <summary>
/// The committed cluster metadata as one immutable value: what Metadata requests are answered from. The controller
/// produces a new image for every change it commits; readers on any thread take <see cref="MetadataCache.Current"/>
/// and see one consistent version, never a half-applied change.
/// </summary>
public sealed record MetadataImage(
    string ClusterId,
    int ControllerId,
    long Version,
    ImmutableDictionary<int, BrokerInfo> Brokers,
    ImmutableSortedDictionary<string, TopicImage> Topics)
{
    public static MetadataImage Empty(string clusterId, BrokerInfo self) => new(
        clusterId,
        self.NodeId,
        0,
        ImmutableDictionary<int, BrokerInfo>.Empty.Add(self.NodeId, self),
        ImmutableSortedDictionary.Create<string, TopicImage>(StringComparer.Ordinal));

    public TopicImage? Topic(string name) => Topics.GetValueOrDefault(name);

    public TopicImage? TopicById(Guid id) => Topics.Values.FirstOrDefault(t => t.TopicId == id);

    public PartitionImage? Partition(TopicPartition tp) =>
        Topics.TryGetValue(tp.Topic, out var topic) && tp.Partition >= 0 && tp.Partition < topic.Partitions.Length
            ? topic.Partitions[tp.Partition]
            : null;
}
