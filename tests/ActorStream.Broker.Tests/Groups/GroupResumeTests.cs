using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>A coordinator started from the records another one wrote (a restart, or a new coordinator elsewhere).</summary>
public sealed class GroupResumeTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    /// <summary>Stops the first coordinator and starts another from what it wrote, writing to a fresh log.</summary>
    private InMemoryGroupLog Failover()
    {
        var first = Coordinator;
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        var loaded = GroupLog.Load();
        var log = new InMemoryGroupLog();
        StartCoordinator(loaded: loaded[GroupId], log: log);
        return log;
    }

    [Fact]
    public void A_resumed_coordinator_has_the_same_offsets_generation_and_members()
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a");
        var b = NewMember("b");
        FormGroup(a, b);
        // A second generation, so the resumed one is not the first.
        var c = NewMember("c");
        SendJoin(c);
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(b));
        SendJoin(a);
        SendJoin(b);
        ExpectJoin(a);
        ExpectJoin(b);
        ExpectJoin(c);
        SyncAll(a, a, b, c);
        Assert.Equal(2, a.Generation);
        Commit(a, (Tp("orders", 0), 10), (Tp("orders", 1), 11));
        Commit(b, (Tp("orders", 0), 12));
        var before = Describe();
        var offsetsBefore = Ask<OffsetsFetched>(Coordinator, new FetchOffsets(GroupId, null)).Offsets.OrderBy(o => o.TopicPartition.Partition).ToList();

        Failover();

        var after = Describe();
        Assert.Equal(GroupState.Stable, after.State);
        Assert.Equal(before.ProtocolType, after.ProtocolType);
        Assert.Equal(before.Protocol, after.Protocol);
        Assert.Equal(
            before.Members.Select(m => (m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, Convert.ToHexString(m.Metadata), Convert.ToHexString(m.Assignment))),
            after.Members.Select(m => (m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, Convert.ToHexString(m.Metadata), Convert.ToHexString(m.Assignment))));
        var offsetsAfter = Ask<OffsetsFetched>(Coordinator, new FetchOffsets(GroupId, null)).Offsets.OrderBy(o => o.TopicPartition.Partition).ToList();
        Assert.Equal(offsetsBefore, offsetsAfter);
        Assert.Equal(12, FetchOffset(Tp("orders", 0)));

        // The members carry on in generation 2 without rejoining.
        Assert.Equal(ErrorCode.None, Heartbeat(a));
        Assert.Equal(ErrorCode.None, Heartbeat(b));
        Assert.Equal(ErrorCode.IllegalGeneration, Heartbeat(c, generation: 1));
        Assert.Equal(AssignmentOf(c), Sync(c).Assignment);
        Assert.Equal([(Tp("orders", 1), ErrorCode.None)], Commit(c, (Tp("orders", 1), 20)).Results);
        Assert.Equal([(Tp("orders", 1), ErrorCode.IllegalGeneration)], Commit(c.Probe, 1, c.Id, (Tp("orders", 1), 21)).Results);

        // The leader and the static member's instance id survived too.
        var leaving = Leave(c);
        Assert.Equal(ErrorCode.None, leaving.Error);
        SendJoin(a);
        SendJoin(b);
        var rejoined = ExpectJoin(a);
        ExpectJoin(b);
        Assert.Equal(3, rejoined.GenerationId);
        Assert.Equal(a.Id, rejoined.Leader);
        var restarted = NewMember("a", "instance-a");
        Sync(a, AssignmentsFor(a, b));
        Sync(b);
        Assert.Equal(ErrorCode.None, Join(restarted).Error);
        Assert.Equal(ErrorCode.FencedInstanceId, Heartbeat(a));
    }

    [Fact]
    public void A_resumed_member_that_never_heartbeats_is_removed_after_its_session_timeout()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        FormGroup(a, b);

        var log = Failover();
        var resumedAt = Now;

        // a heartbeats to the new coordinator; b has gone and never does.
        Runtime!.Advance(TimeSpan.FromMilliseconds(SessionMs / 2));
        Assert.Equal(ErrorCode.None, Heartbeat(a));
        Runtime.Advance(resumedAt + TimeSpan.FromMilliseconds(SessionMs - 1) - Now);
        Assert.Equal([a.Id, b.Id], MemberIds);
        Assert.Equal(GroupState.Stable, State);

        Runtime.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([a.Id], MemberIds);
        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));
        Assert.Equal(2, Join(a).GenerationId);
        Sync(a, AssignmentsFor(a));
        Assert.Equal([a.Id], DecodeGroup(log.ValuesOf(GroupKey)[^1])!.Members.Select(m => m.MemberId));
    }

    [Fact]
    public void A_resumed_group_whose_members_all_went_away_becomes_empty_in_a_new_generation()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);

        var log = Failover();
        Runtime!.Advance(TimeSpan.FromMilliseconds(SessionMs));

        Assert.Equal(GroupState.Empty, State);
        var stored = DecodeGroup(log.ValuesOf(GroupKey)[^1])!;
        Assert.Equal(2, stored.GenerationId);
        Assert.Empty(stored.Members);
    }

    [Fact]
    public void An_empty_group_resumes_empty_with_its_offsets_and_generation()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        Commit(a, (Tp("orders"), 5));
        Leave(a);

        Failover();

        Assert.Equal(GroupState.Empty, State);
        Assert.Equal(5, FetchOffset(Tp("orders")));
        var b = NewMember("b");
        Assert.Equal(3, Join(b).GenerationId);
    }
}
