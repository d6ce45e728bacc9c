using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>LeaveGroup, and the CompletingRebalance timeout (a leader that never sends the assignment).</summary>
public sealed class GroupLeaveTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    [Fact]
    public void A_leaving_leader_is_removed_and_the_rest_rebalance_under_a_new_leader()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        var leader = FormGroup(a, b);
        Assert.Same(a, leader);

        var left = Leave(a);
        Assert.Equal(ErrorCode.None, left.Error);
        Assert.Equal(ErrorCode.None, Assert.Single(left.Members).Error);
        var description = Describe();
        Assert.Equal(GroupState.PreparingRebalance, description.State);
        Assert.Equal([b.Id], description.Members.Select(m => m.MemberId));

        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(b));
        var joined = Join(b);
        Assert.Equal(2, joined.GenerationId);
        Assert.Equal(b.Id, joined.Leader);
        Assert.Equal([b.Id], joined.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat(a));
    }

    [Fact]
    public void The_last_member_leaving_empties_the_group_in_a_new_generation_that_is_written()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        Assert.Equal(1, LastGroupRecord().GenerationId);
        var emptiedAt = Sys.Clock.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(ErrorCode.None, Leave(a).Error);

        var description = Describe();
        Assert.Equal(GroupState.Empty, description.State);
        Assert.Empty(description.Members);
        Assert.Equal("", description.Protocol);
        var stored = LastGroupRecord();
        Assert.Equal(2, stored.GenerationId);
        Assert.Empty(stored.Members);
        Assert.Null(stored.Protocol);
        Assert.Null(stored.Leader);
        Assert.Equal(emptiedAt, stored.StateTimestamp);
        Assert.Equal("consumer", stored.ProtocolType);

        // The next member starts generation 3, after the initial delay again.
        var b = NewMember("b");
        SendJoin(b);
        b.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(InitialDelayMs - 1));
        Assert.Equal(3, ExpectJoin(b).GenerationId);
    }

    [Fact]
    public void A_leave_from_an_unknown_member_is_UnknownMemberId_and_changes_nothing()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        var stranger = NewMember("stranger");
        stranger.Id = "stranger-id";

        var left = Leave(stranger);

        Assert.Equal(ErrorCode.UnknownMemberId, left.Error);
        Assert.Equal(ErrorCode.UnknownMemberId, Assert.Single(left.Members).Error);
        Assert.Equal(GroupState.Stable, State);
        Assert.Equal(ErrorCode.None, Heartbeat(a));
    }

    [Fact]
    public void Members_that_do_not_sync_within_the_rebalance_timeout_are_removed_and_the_group_rebalances()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        foreach (var m in new[] { a, b })
        {
            m.SessionTimeoutMs = 60_000;
            m.RebalanceTimeoutMs = 20_000;
        }

        SendJoin(a);
        SendJoin(b);
        var leader = ExpectJoin(a).Leader;
        ExpectJoin(b);
        Assert.Equal(a.Id, leader);
        var completingSince = Now;

        // b asks for its assignment; the leader a never sends one.
        SendSync(b);
        b.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(20_000 - 1));
        Assert.Equal(GroupState.CompletingRebalance, State);

        var sync = ExpectSync(b);
        Assert.Equal(TimeSpan.FromMilliseconds(20_000), Now - completingSince);
        Assert.Equal(ErrorCode.RebalanceInProgress, sync.Error);
        var description = Describe();
        Assert.Equal(GroupState.PreparingRebalance, description.State);
        Assert.Equal([b.Id], description.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat(a));

        var joined = Join(b);
        Assert.Equal(2, joined.GenerationId);
        Assert.Equal(b.Id, joined.Leader);
        SyncAll(b, b);
    }
}
