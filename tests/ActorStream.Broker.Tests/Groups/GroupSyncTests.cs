using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>SyncGroup: CompletingRebalance → Stable once the leader's assignment is stored, and the refusals.</summary>
public sealed class GroupSyncTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    private (Member Leader, Member Follower) JoinTwo()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        SendJoin(a);
        SendJoin(b);
        Assert.Equal(ErrorCode.None, ExpectJoin(a).Error);
        Assert.Equal(ErrorCode.None, ExpectJoin(b).Error);
        Assert.Equal(GroupState.CompletingRebalance, State);
        return (a, b);
    }

    [Fact]
    public void Followers_wait_for_the_leader_and_everyone_gets_their_own_assignment()
    {
        var (leader, follower) = JoinTwo();

        SendSync(follower);
        follower.Probe.ExpectNoMsg(TimeSpan.FromSeconds(5));
        Assert.Equal(GroupState.CompletingRebalance, State);

        SendSync(leader, AssignmentsFor(leader, follower));
        var leaderSync = ExpectSync(leader);
        var followerSync = ExpectSync(follower);
        Assert.Equal(ErrorCode.None, leaderSync.Error);
        Assert.Equal(ErrorCode.None, followerSync.Error);
        Assert.Equal(AssignmentOf(leader), leaderSync.Assignment);
        Assert.Equal(AssignmentOf(follower), followerSync.Assignment);
        Assert.Equal("consumer", followerSync.ProtocolType);
        Assert.Equal("range", followerSync.ProtocolName);

        var stable = Describe();
        Assert.Equal(GroupState.Stable, stable.State);
        Assert.Equal([AssignmentOf(leader), AssignmentOf(follower)], stable.Members.Select(m => m.Assignment));

        // A follower syncing after the group became stable gets its assignment straight away.
        Assert.Equal(AssignmentOf(follower), Sync(follower).Assignment);
    }

    [Fact]
    public void The_assignment_is_stored_before_anyone_gets_it()
    {
        var (leader, follower) = JoinTwo();
        GroupLog.Mode = WriteMode.Hold;

        SendSync(follower);
        SendSync(leader, AssignmentsFor(leader, follower));
        leader.Probe.ExpectNoMsg(TimeSpan.FromSeconds(1));
        follower.Probe.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(GroupState.CompletingRebalance, State);

        // The write in flight is the group's membership with both assignments, for generation 1.
        Assert.Equal(1, GroupLog.HeldCount);
        var (key, value) = Assert.Single(GroupLog.PeekHeld());
        Assert.Equal(GroupKey, key);
        var stored = DecodeGroup(value)!;
        Assert.Equal(1, stored.GenerationId);
        Assert.Equal(leader.Id, stored.Leader);
        Assert.Equal("range", stored.Protocol);
        Assert.Equal([(leader.Id, AssignmentOf(leader)), (follower.Id, AssignmentOf(follower))], stored.Members.Select(m => (m.MemberId, m.Assignment)));
        Assert.Equal([leader.Metadata, follower.Metadata], stored.Members.Select(m => m.Subscription));

        GroupLog.CompleteHeld();
        Assert.Equal(AssignmentOf(leader), ExpectSync(leader, TimeSpan.Zero).Assignment);
        Assert.Equal(AssignmentOf(follower), ExpectSync(follower, TimeSpan.Zero).Assignment);
        Assert.Equal(GroupState.Stable, State);
    }

    [Fact]
    public void A_failed_write_of_the_assignment_answers_CoordinatorNotAvailable_and_rebalances()
    {
        var (leader, follower) = JoinTwo();
        GroupLog.Mode = WriteMode.Hold;
        SendSync(follower);
        SendSync(leader, AssignmentsFor(leader, follower));
        leader.Probe.ExpectNoMsg(TimeSpan.Zero);

        GroupLog.CompleteHeld(ErrorCode.NotEnoughReplicas);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, ExpectSync(leader, TimeSpan.Zero).Error);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, ExpectSync(follower, TimeSpan.Zero).Error);
        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Empty(GroupLog.ValuesOf(GroupKey));

        // Everyone rejoins into a new generation, whose assignment is stored this time.
        GroupLog.Mode = WriteMode.Immediate;
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(leader));
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(follower));
        SendJoin(leader);
        SendJoin(follower);
        Assert.Equal(2, ExpectJoin(leader).GenerationId);
        Assert.Equal(2, ExpectJoin(follower).GenerationId);
        SyncAll(leader, leader, follower);
        Assert.Equal(2, LastGroupRecord().GenerationId);
    }

    [Fact]
    public void A_sync_while_preparing_a_rebalance_is_RebalanceInProgress()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        var b = NewMember("b");
        SendJoin(b);
        b.Probe.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(GroupState.PreparingRebalance, State);

        var sync = Sync(a, AssignmentsFor(a));

        Assert.Equal(ErrorCode.RebalanceInProgress, sync.Error);
        Assert.Empty(sync.Assignment);
    }

    [Fact]
    public void A_sync_for_another_generation_is_IllegalGeneration_and_from_an_unknown_member_UnknownMemberId()
    {
        var (leader, follower) = JoinTwo();

        Assert.Equal(ErrorCode.IllegalGeneration, Sync(leader, AssignmentsFor(leader, follower), generation: 2).Error);
        Assert.Equal(ErrorCode.IllegalGeneration, Sync(follower, generation: 0).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, Sync(follower, memberId: "b-unknown").Error);
        // None of them was taken as the leader's assignment.
        Assert.Equal(GroupState.CompletingRebalance, State);
        Assert.Equal(0, GroupLog.Appends);

        FormGroupAgainWith(leader, follower);
        Assert.Equal(ErrorCode.IllegalGeneration, Sync(follower, generation: 0).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, Sync(follower, memberId: "").Error);
    }

    [Fact]
    public void A_leader_that_sends_no_assignment_gets_one_from_the_coordinator_for_a_server_side_assignor()
    {
        StartCoordinator(partitionCount: topic => topic == "orders" ? 4 : null);
        var a = NewMember("a", topics: "orders");
        var b = NewMember("b", topics: "orders");
        SendJoin(a);
        SendJoin(b);
        Assert.Equal("range", ExpectJoin(a).ProtocolName);
        ExpectJoin(b);

        SendSync(b);
        SendSync(a, new Dictionary<string, byte[]>());

        Assert.Equal([Tp("orders", 0), Tp("orders", 1)], ConsumerProtocol.AssignedPartitions(ExpectSync(a).Assignment));
        Assert.Equal([Tp("orders", 2), Tp("orders", 3)], ConsumerProtocol.AssignedPartitions(ExpectSync(b).Assignment));
        Assert.Equal([2, 2], LastGroupRecord().Members.Select(m => ConsumerProtocol.AssignedPartitions(m.Assignment).Count));
    }

    private void FormGroupAgainWith(Member leader, Member follower) => SyncAll(leader, leader, follower);

    [Fact]
    public void A_leader_that_rejoins_unchanged_while_the_group_syncs_gets_the_same_generation_back()
    {
        var (leader, follower) = JoinTwo();
        int generation = leader.Generation;
        SendJoin(leader);
        var again = ExpectJoin(leader);
        Assert.Equal(ErrorCode.None, again.Error);
        Assert.Equal(generation, again.GenerationId);
        Assert.Equal(2, again.Members.Count); // still told whom to assign
        Assert.Equal(GroupState.CompletingRebalance, State);
        SyncAll(leader, leader, follower);
    }
}
