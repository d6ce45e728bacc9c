using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>Static membership (KIP-345): a restarted member with a group.instance.id keeps its place without a rebalance.</summary>
public sealed class GroupStaticMembershipTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    [Fact]
    public void A_restarted_static_follower_gets_a_new_id_and_its_old_assignment_without_a_rebalance()
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a");
        var b = NewMember("b", "instance-b");
        Assert.Same(a, FormGroup(a, b));
        var oldId = b.Id;
        int writesBefore = GroupLog.Appends;

        // b restarts: no member id, same instance id and subscription.
        var restarted = NewMember("b", "instance-b");
        var joined = Join(restarted);

        Assert.Equal(ErrorCode.None, joined.Error);
        Assert.NotEqual(oldId, restarted.Id);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(a.Id, joined.Leader);
        Assert.Empty(joined.Members);
        Assert.False(joined.SkipAssignment);

        // No rebalance: the group stays stable and the other member's heartbeats are fine.
        var description = Describe();
        Assert.Equal(GroupState.Stable, description.State);
        Assert.Equal([a.Id, restarted.Id], description.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.None, Heartbeat(a));
        Assert.Equal(ErrorCode.None, Heartbeat(restarted));

        var sync = Sync(restarted);
        Assert.Equal(ErrorCode.None, sync.Error);
        Assert.Equal(AssignmentOf(b), sync.Assignment);

        // The new id is what the group stores; the old incarnation is fenced.
        Assert.Equal(writesBefore + 1, GroupLog.Appends);
        Assert.Equal([a.Id, restarted.Id], LastGroupRecord().Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.FencedInstanceId, Heartbeat(b));
        Assert.Equal(ErrorCode.FencedInstanceId, Sync(b).Error);
        b.Probe.Send(Coordinator, JoinRequest(b));
        Assert.Equal(ErrorCode.FencedInstanceId, b.Probe.ExpectMsg<JoinGroupResult>().Error);
        Assert.Equal(GroupState.Stable, State);
        Assert.Equal(ErrorCode.None, Heartbeat(a));
    }

    [Fact]
    public void A_restarted_static_leader_stays_leader_and_is_told_the_members_but_to_skip_the_assignment()
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a");
        var b = NewMember("b", "instance-b");
        Assert.Same(a, FormGroup(a, b));
        var oldId = a.Id;

        var restarted = NewMember("a", "instance-a");
        var joined = Join(restarted);

        Assert.NotEqual(oldId, restarted.Id);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(restarted.Id, joined.Leader);
        Assert.True(joined.SkipAssignment);
        Assert.Equal([restarted.Id, b.Id], joined.Members.Select(m => m.MemberId));
        Assert.Equal(GroupState.Stable, State);
        Assert.Equal(ErrorCode.None, Heartbeat(b));
        Assert.Equal(AssignmentOf(a), Sync(restarted).Assignment);
        Assert.Equal(ErrorCode.FencedInstanceId, Heartbeat(a));
    }

    [Fact]
    public void A_static_member_rejoining_with_another_subscription_rebalances_the_group()
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a");
        var b = NewMember("b", "instance-b");
        FormGroup(a, b);

        var restarted = NewMember("b", "instance-b", "another-topic");
        SendJoin(restarted);
        restarted.Probe.ExpectNoMsg(TimeSpan.Zero);

        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));
        SendJoin(a);
        Assert.Equal(2, ExpectJoin(a).GenerationId);
        Assert.Equal(2, ExpectJoin(restarted).GenerationId);
    }

    [Theory]
    [InlineData(ErrorCode.NotLeaderOrFollower, ErrorCode.NotCoordinator)]
    [InlineData(ErrorCode.NotEnoughReplicas, ErrorCode.CoordinatorNotAvailable)]
    [InlineData(ErrorCode.RequestTimedOut, ErrorCode.RebalanceInProgress)]
    public void A_static_rejoin_whose_membership_cannot_be_stored_answers_an_error_the_client_handles(ErrorCode logError, ErrorCode answered)
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a");
        var b = NewMember("b", "instance-b");
        FormGroup(a, b);
        GroupLog.Mode = WriteMode.Fail;
        GroupLog.FailureCode = logError;

        var restarted = NewMember("b", "instance-b");
        SendJoin(restarted);

        Assert.Equal(answered, restarted.Probe.ExpectMsg<JoinGroupResult>().Error);
    }

    [Fact]
    public void A_static_rejoin_that_is_not_stored_leaves_the_old_member_id_in_place()
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a");
        var b = NewMember("b", "instance-b");
        FormGroup(a, b);
        var before = MemberIds;
        GroupLog.Mode = WriteMode.Fail;

        var restarted = NewMember("b", "instance-b");
        SendJoin(restarted);
        Assert.NotEqual(ErrorCode.None, restarted.Probe.ExpectMsg<JoinGroupResult>().Error);

        GroupLog.Mode = WriteMode.Immediate;
        Assert.Equal(before, MemberIds);
        Assert.Equal(ErrorCode.None, Heartbeat(b)); // the old incarnation was not fenced by a join that did not happen
        Assert.Equal(GroupState.Stable, State);
    }
}
