namespace ActorStream.Broker.Groups;

// The classic consumer-group protocol as messages to a group's coordinator actor. Each request names its group; the
// group manager routes it to the group's coordinator. Field meanings follow Kafka's requests of the same names.

/// <summary>A group request, routed by <see cref="GroupId"/>.</summary>
public interface IGroupRequest
{
    string GroupId { get; }
}

public sealed record GroupProtocolEntry(string Name, byte[] Metadata);

public sealed record JoinGroup(
    string GroupId,
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    string ProtocolType,
    IReadOnlyList<GroupProtocolEntry> Protocols,
    bool RequireKnownMemberId) : IGroupRequest;

public sealed record JoinedMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

public sealed record JoinGroupResult(
    ErrorCode Error,
    int GenerationId,
    string? ProtocolType,
    string? ProtocolName,
    string Leader,
    string MemberId,
    IReadOnlyList<JoinedMember> Members,
    bool SkipAssignment = false)
{
    public static JoinGroupResult Failed(ErrorCode error, string memberId = "") => new(error, -1, null, null, "", memberId, []);
}

public sealed record SyncGroup(
    string GroupId,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    string? ProtocolType,
    string? ProtocolName,
    IReadOnlyDictionary<string, byte[]> Assignments) : IGroupRequest;

public sealed record SyncGroupResult(ErrorCode Error, string? ProtocolType, string? ProtocolName, byte[] Assignment)
{
    public static SyncGroupResult Failed(ErrorCode error) => new(error, null, null, []);
}

public sealed record Heartbeat(string GroupId, int GenerationId, string MemberId, string? GroupInstanceId) : IGroupRequest;

public sealed record HeartbeatResult(ErrorCode Error);

public sealed record LeavingMember(string MemberId, string? GroupInstanceId);

public sealed record LeaveGroup(string GroupId, IReadOnlyList<LeavingMember> Members) : IGroupRequest;

public sealed record LeaveGroupResult(ErrorCode Error, IReadOnlyList<(LeavingMember Member, ErrorCode Error)> Members);

public sealed record OffsetToCommit(TopicPartition TopicPartition, long Offset, int LeaderEpoch, string? Metadata);

/// <summary>Commits offsets. Generation -1 with an empty member id is a commit from outside the group protocol (allowed while the group has no members).</summary>
public sealed record CommitOffsets(string GroupId, int GenerationId, string MemberId, string? GroupInstanceId, IReadOnlyList<OffsetToCommit> Offsets) : IGroupRequest;

public sealed record OffsetsCommitted(IReadOnlyList<(TopicPartition TopicPartition, ErrorCode Error)> Results);

/// <summary>Committed offsets of the given partitions, or of every partition the group committed when null.</summary>
public sealed record FetchOffsets(string GroupId, IReadOnlyList<TopicPartition>? Partitions) : IGroupRequest;

public sealed record CommittedOffset(TopicPartition TopicPartition, long Offset, int LeaderEpoch, string? Metadata, long CommitTimestamp, ErrorCode Error = ErrorCode.None);

public sealed record OffsetsFetched(ErrorCode Error, IReadOnlyList<CommittedOffset> Offsets);

public sealed record DeleteOffsets(string GroupId, IReadOnlyList<TopicPartition> Partitions) : IGroupRequest;

public sealed record OffsetsDeleted(ErrorCode Error, IReadOnlyList<(TopicPartition TopicPartition, ErrorCode Error)> Results);

public sealed record DescribeGroup(string GroupId) : IGroupRequest;

public sealed record DescribedMember(string MemberId, string? GroupInstanceId, string ClientId, string ClientHost, byte[] Metadata, byte[] Assignment);

public sealed record GroupDescription(ErrorCode Error, string GroupId, GroupState State, string ProtocolType, string Protocol, IReadOnlyList<DescribedMember> Members);

public sealed record DeleteGroup(string GroupId) : IGroupRequest;

public sealed record GroupDeleted(string GroupId, ErrorCode Error);

/// <summary>Asks the group manager for every group it coordinates (optionally only in some states).</summary>
public sealed record ListGroups(IReadOnlyCollection<GroupState>? States);

public sealed record ListedGroup(string GroupId, string ProtocolType, GroupState State);

public sealed record GroupsListed(IReadOnlyList<ListedGroup> Groups);

/// <summary>Kafka's group states; the names are what DescribeGroups and ListGroups report.</summary>
public enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}
