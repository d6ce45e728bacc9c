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
    private readonly ConcurrentDictionary<TopicPartition, string> _offline = new();

    public bool TryGet(TopicPartition topicPartition, [NotNullWhen(true)] out PartitionState? state) =>
        _partitions.TryGetValue(topicPartition, out state) && state.IsOnline;

    public int Count => _partitions.Count;

    public IEnumerable<PartitionState> All => _partitions.Values;

    internal void Add(PartitionState state) => _partitions[state.TopicPartition] = state;

    internal void Remove(PartitionState state) => _partitions.TryRemove(new KeyValuePair<TopicPartition, PartitionState>(state.TopicPartition, state));

    internal PartitionState? Find(TopicPartition topicPartition) => _partitions.GetValueOrDefault(topicPartition);

    /// <summary>Why a partition this broker leads is offline (its log failed and is being retried), or null.</summary>
    public string? OfflineReason(TopicPartition topicPartition) => _offline.GetValueOrDefault(topicPartition);

    /// <summary>Partitions this broker leads whose logs failed, with the reason.</summary>
    public IReadOnlyDictionary<TopicPartition, string> Offline => new Dictionary<TopicPartition, string>(_offline);

    internal void MarkOffline(TopicPartition topicPartition, string reason) => _offline[topicPartition] = reason;

    internal void MarkOnline(TopicPartition topicPartition) => _offline.TryRemove(topicPartition, out _);
}
