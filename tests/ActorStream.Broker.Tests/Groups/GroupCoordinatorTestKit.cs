using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ActorStream.Actors;
using ActorStream.Broker.Groups;
using ActorStream.TestKit;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>
/// One <see cref="GroupCoordinator"/> on a <see cref="DeterministicRuntime"/> (virtual time: session, rebalance and
/// retention timeouts cost nothing) writing to an <see cref="InMemoryGroupLog"/>, with a probe per group member.
/// </summary>
public abstract class GroupCoordinatorTestKit(ITestOutputHelper output) : ActorStream.TestKit.TestKit(new DeterministicRuntime(seed: 7), output)
{
    protected const string GroupId = "group-under-test";
    protected const int SessionMs = 10_000;
    protected const int RebalanceMs = 30_000;
    protected const int InitialDelayMs = 3_000;

    /// <summary>Long enough for any rebalance in these tests; waiting stops as soon as the reply arrives.</summary>
    protected static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private IActorRef? _coordinator;

    protected InMemoryGroupLog GroupLog { get; } = new();

    /// <summary>Kafka's defaults, with the initial rebalance delay these tests use to gather members.</summary>
    protected static GroupSettings Defaults { get; } = new() { InitialRebalanceDelayMs = InitialDelayMs };

    protected IActorRef Coordinator => _coordinator ?? throw new InvalidOperationException("no coordinator started");

    protected IActorRef StartCoordinator(GroupSettings? settings = null, LoadedGroup? loaded = null, IGroupLog? log = null, Func<string, int?>? partitionCount = null)
    {
        _coordinator = ActorOf(GroupCoordinator.Props(GroupId, settings ?? Defaults, log ?? GroupLog, loaded, partitionCount));
        return _coordinator;
    }

    // ------------------------------------------------------------------ members and their requests

    protected sealed class Member(TestProbe probe, string name, string? instanceId)
    {
        public TestProbe Probe { get; } = probe;

        public string Name { get; } = name;

        public string? InstanceId { get; } = instanceId;

        public string Id { get; set; } = "";

        public int Generation { get; set; } = -1;

        public int SessionTimeoutMs { get; set; } = SessionMs;

        public int RebalanceTimeoutMs { get; set; } = RebalanceMs;

        public string ProtocolType { get; set; } = "consumer";

        /// <summary>The topics of the member's consumer-protocol subscription (default: one named after the member).</summary>
        public string[] Topics { get; set; } = [];

        /// <summary>The assignors it supports, most preferred first; each carries the member's subscription.</summary>
        public string[] Assignors { get; set; } = ["range"];

        public IReadOnlyList<GroupProtocolEntry> Protocols => [.. Assignors.Select(a => new GroupProtocolEntry(a, Subscription(Topics)))];

        public byte[] Metadata => Subscription(Topics);

        public override string ToString() => $"{Name} ({Id}, generation {Generation})";
    }

    protected Member NewMember(string name, string? instanceId = null, params string[] topics) =>
        new(CreateTestProbe(name), name, instanceId) { Topics = topics.Length > 0 ? topics : ["topic-" + name] };

    protected static JoinGroup JoinRequest(Member member, bool requireKnownMemberId = false) => new(
        GroupId, member.Id, member.InstanceId, member.Name, "/10.0.0.1", member.SessionTimeoutMs, member.RebalanceTimeoutMs,
        member.ProtocolType, member.Protocols, requireKnownMemberId);

    protected void SendJoin(Member member, bool requireKnownMemberId = false) => member.Probe.Send(Coordinator, JoinRequest(member, requireKnownMemberId));

    /// <summary>The member's JoinGroup answer; a successful one updates its id and generation.</summary>
    protected static JoinGroupResult ExpectJoin(Member member, TimeSpan? timeout = null)
    {
        var result = member.Probe.ExpectMsg<JoinGroupResult>(timeout ?? Long);
        if (result.Error == ErrorCode.None)
        {
            member.Id = result.MemberId;
            member.Generation = result.GenerationId;
        }

        return result;
    }

    protected JoinGroupResult Join(Member member)
    {
        SendJoin(member);
        return ExpectJoin(member);
    }

    protected void SendSync(Member member, IReadOnlyDictionary<string, byte[]>? assignments = null, int? generation = null, string? memberId = null) =>
        member.Probe.Send(Coordinator, new SyncGroup(GroupId, generation ?? member.Generation, memberId ?? member.Id, member.InstanceId, member.ProtocolType, null,
            assignments ?? new Dictionary<string, byte[]>()));

    protected static SyncGroupResult ExpectSync(Member member, TimeSpan? timeout = null) => member.Probe.ExpectMsg<SyncGroupResult>(timeout ?? Long);

    protected SyncGroupResult Sync(Member member, IReadOnlyDictionary<string, byte[]>? assignments = null, int? generation = null, string? memberId = null)
    {
        SendSync(member, assignments, generation, memberId);
        return ExpectSync(member);
    }

    protected ErrorCode Heartbeat(Member member, int? generation = null, string? memberId = null)
    {
        member.Probe.Send(Coordinator, new Heartbeat(GroupId, generation ?? member.Generation, memberId ?? member.Id, member.InstanceId));
        return member.Probe.ExpectMsg<HeartbeatResult>().Error;
    }

    protected LeaveGroupResult Leave(Member member)
    {
        member.Probe.Send(Coordinator, new LeaveGroup(GroupId, [new LeavingMember(member.Id, member.InstanceId)]));
        return member.Probe.ExpectMsg<LeaveGroupResult>();
    }

    protected GroupDescription Describe() => Ask<GroupDescription>(Coordinator, new DescribeGroup(GroupId));

    protected GroupState State => Describe().State;

    protected IReadOnlyList<string> MemberIds => [.. Describe().Members.Select(m => m.MemberId)];

    protected static byte[] AssignmentOf(Member member) => Encoding.UTF8.GetBytes("assignment of " + member.Name);

    protected static Dictionary<string, byte[]> AssignmentsFor(params Member[] members) => members.ToDictionary(m => m.Id, AssignmentOf);

    /// <summary>
    /// Joins every member into one generation (they all join within the initial rebalance delay of an empty group, or
    /// rejoin a rebalancing one), then the leader syncs an assignment for each and everyone syncs. Returns the leader.
    /// </summary>
    protected Member FormGroup(params Member[] members)
    {
        foreach (var member in members)
            SendJoin(member);
        var results = members.Select(m => ExpectJoin(m)).ToList();
        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.Single(results.Select(r => r.GenerationId).Distinct());
        var leader = members.Single(m => m.Id == results[0].Leader);
        SyncAll(leader, members);
        return leader;
    }

    /// <summary>The leader syncs every member's assignment, the followers sync, and everyone gets their own.</summary>
    protected void SyncAll(Member leader, params Member[] members)
    {
        SendSync(leader, AssignmentsFor(members));
        foreach (var follower in members.Where(m => m != leader))
            SendSync(follower);
        foreach (var member in members)
        {
            var sync = ExpectSync(member);
            Assert.Equal(ErrorCode.None, sync.Error);
            Assert.Equal(AssignmentOf(member), sync.Assignment);
        }

        Assert.Equal(GroupState.Stable, State);
    }

    // ------------------------------------------------------------------ offsets

    protected static TopicPartition Tp(string topic, int partition = 0) => new(topic, partition);

    protected OffsetsCommitted Commit(TestProbe probe, int generation, string memberId, params (TopicPartition Tp, long Offset)[] offsets) =>
        Commit(probe, generation, memberId, null, [.. offsets.Select(o => new OffsetToCommit(o.Tp, o.Offset, -1, null))]);

    protected OffsetsCommitted Commit(TestProbe probe, int generation, string memberId, string? instanceId, IReadOnlyList<OffsetToCommit> offsets)
    {
        probe.Send(Coordinator, new CommitOffsets(GroupId, generation, memberId, instanceId, offsets));
        return probe.ExpectMsg<OffsetsCommitted>();
    }

    protected OffsetsCommitted Commit(Member member, params (TopicPartition Tp, long Offset)[] offsets) =>
        Commit(member.Probe, member.Generation, member.Id, offsets);

    /// <summary>A commit from outside the group protocol (generation -1, no member), as assign() consumers and tools make.</summary>
    protected OffsetsCommitted SimpleCommit(params (TopicPartition Tp, long Offset)[] offsets) => Commit(TestActor, -1, "", offsets);

    protected CommittedOffset Fetch(TopicPartition tp) =>
        Assert.Single(Ask<OffsetsFetched>(Coordinator, new FetchOffsets(GroupId, [tp])).Offsets);

    protected long FetchOffset(TopicPartition tp) => Fetch(tp).Offset;

    // ------------------------------------------------------------------ records

    /// <summary>Kafka's ConsumerProtocolSubscription: int16 version, int32 topic count, int16-length topic names, int32 user data (-1: null).</summary>
    protected static byte[] Subscription(params string[] topics)
    {
        var bytes = new List<byte>();
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt16BigEndian(buffer, 0);
        bytes.AddRange(buffer[..2].ToArray());
        BinaryPrimitives.WriteInt32BigEndian(buffer, topics.Length);
        bytes.AddRange(buffer.ToArray());
        foreach (var topic in topics)
        {
            var name = Encoding.UTF8.GetBytes(topic);
            BinaryPrimitives.WriteInt16BigEndian(buffer, (short)name.Length);
            bytes.AddRange(buffer[..2].ToArray());
            bytes.AddRange(name);
        }

        BinaryPrimitives.WriteInt32BigEndian(buffer, -1);
        bytes.AddRange(buffer.ToArray());
        return [.. bytes];
    }

    protected static byte[] GroupKey => GroupRecords.GroupKey(GroupId);

    protected static byte[] OffsetKey(TopicPartition tp) => GroupRecords.OffsetKey(GroupId, tp);

    protected static StoredGroup? DecodeGroup(byte[]? value) => value is null ? null : JsonSerializer.Deserialize<StoredGroup>(value);

    /// <summary>The group's latest committed membership record.</summary>
    protected StoredGroup LastGroupRecord()
    {
        var values = GroupLog.ValuesOf(GroupKey);
        return (values.Count > 0 ? DecodeGroup(values[^1]) : null) ?? throw new InvalidOperationException("no group record was written");
    }
}
