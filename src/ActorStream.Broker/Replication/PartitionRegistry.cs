using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ActorStream.Broker.Replication;

/// <summary>
/// The partitions this broker leads, for request handlers on any thread: produce finds the replica to tell, fetch
/// finds the log to read. Written only by the replica manager.
/// </summary>
public sealed class PartitionRegistry
{
    private readonly ConcurrentDictionary<TopicPartition, PartitionState> _partitions = new();

    public bool TryGet(TopicPartition topicPartition, [NotNullWhen(true)] out PartitionState? state) =>
        _partitions.TryGetValue(topicPartition, out state) && state.IsOnline;

    public int Count => _partitions.Count;

    public IEnumerable<PartitionState> All => _partitions.Values;

    internal void Add(PartitionState state) => _partitions[state.TopicPartition] = state;

    internal void Remove(PartitionState state) => _partitions.TryRemove(new KeyValuePair<TopicPartition, PartitionState>(state.TopicPartition, state));

    internal PartitionState? Find(TopicPartition topicPartition) => _partitions.GetValueOrDefault(topicPartition);
}
