using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>Heartbeats, session timeouts, and members that go silent while the group rebalances.</summary>
public sealed class GroupHeartbeatTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(SessionMs / 3);

    [Fact]
    public void Heartbeats_keep_a_stable_member_alive_well_past_its_session_timeout()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);

        for (int i = 0; i < 30; i++)
        {
            Runtime!.Advance(Tick);
            Assert.Equal(ErrorCode.None, Heartbeat(a));
        }

        Assert.True(Now > TimeSpan.FromMilliseconds(SessionMs * 9));
        Assert.Equal(GroupState.Stable, State);
        Assert.Equal([a.Id], MemberIds);
        Assert.Equal(1, a.Generation);
    }

    [Fact]
    public void A_heartbeat_while_preparing_a_rebalance_is_RebalanceInProgress_and_refusals_name_the_problem()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        Assert.Equal(ErrorCode.IllegalGeneration, Heartbeat(a, generation: 2));
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat(a, memberId: "a-unknown"));

        SendJoin(NewMember("b"));
        Runtime!.RunUntilIdle();

        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));
    }

    [Fact]
    public void A_member_that_stops_heartbeating_is_removed_at_its_session_timeout_and_the_rest_rebalance_without_it()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        FormGroup(a, b);
        var bLastSeen = Now; // b's sync was its last word

        // a keeps heartbeating; b is silent. Up to b's session timeout nothing changes.
        Runtime!.Advance(Tick);
        Assert.Equal(ErrorCode.None, Heartbeat(a));
        Runtime.Advance(bLastSeen + TimeSpan.FromMilliseconds(SessionMs - 1) - Now);
        Assert.Equal(ErrorCode.None, Heartbeat(a));
        Assert.Equal(GroupState.Stable, State);
        Assert.Equal(2, MemberIds.Count);

        Runtime.Advance(TimeSpan.FromMilliseconds(1));
        var description = Describe();
        Assert.Equal(GroupState.PreparingRebalance, description.State);
        Assert.Equal([a.Id], description.Members.Select(m => m.MemberId));

        // a hears of the rebalance from its heartbeat and rejoins: a new generation of a alone.
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));
        var rejoined = Join(a);
        Assert.Equal(2, rejoined.GenerationId);
        Assert.Equal(a.Id, rejoined.Leader);
        Assert.Equal([a.Id], rejoined.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.None, Sync(a, AssignmentsFor(a)).Error);

        // b's old identity is gone.
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat(b));
        Assert.Equal(ErrorCode.UnknownMemberId, Sync(b).Error);
    }

    [Fact]
    public void A_member_silent_during_a_rebalance_is_removed_at_the_rebalance_timeout_and_the_join_completes_without_it()
    {
        StartCoordinator();
        // Sessions longer than the rebalance timeout, so the rebalance timeout is what catches the silent member.
        var a = NewMember("a");
        var b = NewMember("b");
        var c = NewMember("c");
        foreach (var m in new[] { a, b, c })
        {
            m.SessionTimeoutMs = 60_000;
            m.RebalanceTimeoutMs = 20_000;
        }

        FormGroup(a, b);

        // c joins: the group prepares a rebalance; a rejoins, b never does (nor heartbeats).
        SendJoin(c);
        var rebalanceStart = Now;
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));
        SendJoin(a);

        a.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(20_000 - 1));
        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Equal(3, MemberIds.Count);

        var joined = ExpectJoin(a);
        ExpectJoin(c);
        Assert.Equal(TimeSpan.FromMilliseconds(20_000), Now - rebalanceStart);
        Assert.Equal(2, joined.GenerationId);
        Assert.Equal(a.Id, joined.Leader);
        Assert.Equal([a.Id, c.Id], joined.Members.Select(m => m.MemberId));
        Assert.Equal(GroupState.CompletingRebalance, State);
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat(b));
        SyncAll(a, a, c);
    }

    [Fact]
    public void A_member_whose_session_expires_during_a_rebalance_is_removed_then_and_the_join_completes_at_once()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        FormGroup(a, b);
        var bLastSeen = Now;

        // a rebalances at once (it rejoins); the rebalance timeout (30 s) is longer than b's session (10 s).
        SendJoin(a);
        a.Probe.ExpectNoMsg(bLastSeen + TimeSpan.FromMilliseconds(SessionMs - 1) - Now);
        Assert.Equal(GroupState.PreparingRebalance, State);

        var joined = ExpectJoin(a);
        Assert.Equal(TimeSpan.FromMilliseconds(SessionMs), Now - bLastSeen);
        Assert.Equal(2, joined.GenerationId);
        Assert.Equal([a.Id], joined.Members.Select(m => m.MemberId));
    }

    [Fact]
    public void A_member_waiting_for_a_rebalance_is_not_expired_by_its_session_timeout()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        FormGroup(a, b);

        // a rejoins and waits, sending no heartbeats, for b, who heartbeats along and rejoins just before the
        // rebalance timeout (30 s; a's session timeout is 10 s).
        SendJoin(a);
        var rebalanceStart = Now;
        for (int i = 0; i < 8; i++)
        {
            Runtime!.Advance(Tick);
            Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(b));
        }

        Assert.True(Now - rebalanceStart > TimeSpan.FromMilliseconds(2 * SessionMs));
        a.Probe.ExpectNoMsg(TimeSpan.Zero);
        SendJoin(b);

        Assert.Equal(2, ExpectJoin(a, TimeSpan.Zero).GenerationId);
        Assert.Equal(2, ExpectJoin(b, TimeSpan.Zero).GenerationId);
        Assert.Equal(2, MemberIds.Count);
    }

    [Fact]
    public void A_member_id_that_is_never_used_leaves_no_member_behind()
    {
        StartCoordinator(Defaults with { MaxGroupSize = 1 });
        var a = NewMember("a");
        var b = NewMember("b");

        SendJoin(a, requireKnownMemberId: true);
        var required = a.Probe.ExpectMsg<JoinGroupResult>();
        Assert.Equal(ErrorCode.MemberIdRequired, required.Error);
        // The pending id holds the group's only place meanwhile.
        SendJoin(b, requireKnownMemberId: true);
        Assert.Equal(ErrorCode.GroupMaxSizeReached, b.Probe.ExpectMsg<JoinGroupResult>().Error);

        // a never comes back: after its session timeout the id is forgotten.
        Runtime!.Advance(TimeSpan.FromMilliseconds(SessionMs));
        var description = Describe();
        Assert.Equal(GroupState.Empty, description.State);
        Assert.Empty(description.Members);
        Assert.Equal(0, GroupLog.Appends);

        a.Id = required.MemberId;
        SendJoin(a, requireKnownMemberId: true);
        Assert.Equal(ErrorCode.UnknownMemberId, a.Probe.ExpectMsg<JoinGroupResult>().Error);
        SendJoin(b, requireKnownMemberId: true);
        Assert.Equal(ErrorCode.MemberIdRequired, b.Probe.ExpectMsg<JoinGroupResult>().Error);
    }
}
