using System.Text.Json;

namespace ActorStream.Broker.Groups;

/// <summary>A member as the group's metadata record stores it.</summary>
public sealed record StoredMember(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    byte[] Subscription,
    byte[] Assignment);

/// <summary>The group's membership after a rebalance (or its emptiness): what a coordinator resumes from.</summary>
public sealed record StoredGroup(string ProtocolType, int GenerationId, string? Protocol, string? Leader, long StateTimestamp, IReadOnlyList<StoredMember> Members);

/// <summary>A committed offset as its record stores it.</summary>
public sealed record StoredOffset(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestamp);

/// <summary>
/// The records of a group in the __consumer_offsets topic: one key per committed partition and one for the group's
/// membership, so compaction keeps exactly the latest of each, and a tombstone (null value) deletes. Keys and values
/// are JSON (a departure from Kafka's binary schemas, documented in docs/architecture.md): readable with the dump tool.
/// </summary>
public static class GroupRecords
{
    private const string OffsetKind = "offset";
    private const string GroupKind = "group";

    private sealed record Key(string Kind, string Group, string? Topic = null, int Partition = -1);

    public static byte[] OffsetKey(string group, TopicPartition tp) => JsonSerializer.SerializeToUtf8Bytes(new Key(OffsetKind, group, tp.Topic, tp.Partition));

    public static byte[] GroupKey(string group) => JsonSerializer.SerializeToUtf8Bytes(new Key(GroupKind, group));

    public static byte[] Value(StoredOffset offset) => JsonSerializer.SerializeToUtf8Bytes(offset);

    public static byte[] Value(StoredGroup group) => JsonSerializer.SerializeToUtf8Bytes(group);

    /// <summary>Applies one record (in log order) to the loaded state of every group.</summary>
    public static void Apply(Dictionary<string, LoadedGroup> groups, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone)
    {
        var k = JsonSerializer.Deserialize<Key>(key) ?? throw new JsonException("empty group record key");
        if (!groups.TryGetValue(k.Group, out var group))
        {
            if (isTombstone)
                return;
            group = new LoadedGroup(k.Group);
            groups.Add(k.Group, group);
        }

        switch (k.Kind)
        {
            case OffsetKind:
                var tp = new TopicPartition(k.Topic!, k.Partition);
                if (isTombstone)
                    group.Offsets.Remove(tp);
                else
                    group.Offsets[tp] = JsonSerializer.Deserialize<StoredOffset>(value)!;
                break;
            case GroupKind:
                group.Metadata = isTombstone ? null : JsonSerializer.Deserialize<StoredGroup>(value);
                break;
        }

        if (group.Metadata is null && group.Offsets.Count == 0)
            groups.Remove(k.Group);
    }
}

/// <summary>A group's state as read back from its __consumer_offsets partition.</summary>
public sealed class LoadedGroup(string groupId)
{
    public string GroupId { get; } = groupId;

    public Dictionary<TopicPartition, StoredOffset> Offsets { get; } = [];

    public StoredGroup? Metadata { get; set; }
}

/// <summary>Where a coordinator writes its records: the group's __consumer_offsets partition (an in-memory one in tests).</summary>
public interface IGroupLog
{
    /// <summary>Appends the records as one batch; completes once they are committed, with the error when they were not.</summary>
    Task<ErrorCode> AppendAsync(IReadOnlyList<(byte[] Key, byte[]? Value)> records);
}
