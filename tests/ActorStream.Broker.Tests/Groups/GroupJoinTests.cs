using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>JoinGroup: Empty → PreparingRebalance → CompletingRebalance → Stable, the initial delay, leaders and protocols.</summary>
public sealed class GroupJoinTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    [Fact]
    public void A_first_member_is_asked_for_a_member_id_then_joins_after_the_initial_delay_and_syncs_to_Stable()
    {
        StartCoordinator();
        var a = NewMember("a");

        // KIP-394: no member id yet → MEMBER_ID_REQUIRED with the id to come back with; nobody joined so far.
        SendJoin(a, requireKnownMemberId: true);
        var first = a.Probe.ExpectMsg<JoinGroupResult>();
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        Assert.StartsWith("a-", first.MemberId, StringComparison.Ordinal);
        var empty = Describe();
        Assert.Equal(GroupState.Empty, empty.State);
        Assert.Empty(empty.Members);

        // Back with the id: the group prepares a rebalance and holds the join for group.initial.rebalance.delay.ms.
        a.Id = first.MemberId;
        var joinedAt = Now;
        SendJoin(a, requireKnownMemberId: true);
        a.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(InitialDelayMs - 1));
        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Equal([a.Id], MemberIds);

        var joined = ExpectJoin(a);
        Assert.Equal(TimeSpan.FromMilliseconds(InitialDelayMs), Now - joinedAt);
        Assert.Equal(ErrorCode.None, joined.Error);
        Assert.Equal(first.MemberId, joined.MemberId);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(a.Id, joined.Leader);
        Assert.Equal("consumer", joined.ProtocolType);
        Assert.Equal("range", joined.ProtocolName);
        var only = Assert.Single(joined.Members);
        Assert.Equal(a.Id, only.MemberId);
        Assert.Equal(a.Metadata, only.Metadata);

        var completing = Describe();
        Assert.Equal(GroupState.CompletingRebalance, completing.State);
        Assert.Equal("range", completing.Protocol);

        var synced = Sync(a, AssignmentsFor(a));
        Assert.Equal(ErrorCode.None, synced.Error);
        Assert.Equal(AssignmentOf(a), synced.Assignment);
        Assert.Equal("range", synced.ProtocolName);
        Assert.Equal(GroupState.Stable, State);
    }

    [Fact]
    public void A_member_joining_during_the_initial_delay_restarts_it_and_is_in_the_same_generation()
    {
        StartCoordinator();
        var a = NewMember("a", topics: "orders");
        var b = NewMember("b", topics: "payments");

        SendJoin(a);
        Runtime!.Advance(TimeSpan.FromMilliseconds(2_000));
        SendJoin(b);
        var bJoinedAt = Now;

        // The delay starts over with b: nothing at 3 s (a's original deadline), both at b's join + 3 s.
        a.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(InitialDelayMs - 1));
        var leaderResult = ExpectJoin(a);
        var followerResult = ExpectJoin(b);
        Assert.Equal(TimeSpan.FromMilliseconds(InitialDelayMs), Now - bJoinedAt);

        Assert.Equal(1, leaderResult.GenerationId);
        Assert.Equal(1, followerResult.GenerationId);
        // The first to join leads, and only the leader is told the members and their subscriptions.
        Assert.Equal(a.Id, leaderResult.Leader);
        Assert.Equal(a.Id, followerResult.Leader);
        Assert.Equal([(a.Id, a.Metadata), (b.Id, b.Metadata)], leaderResult.Members.Select(m => (m.MemberId, m.Metadata)));
        Assert.Empty(followerResult.Members);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(GroupState.CompletingRebalance, State);
    }

    [Fact]
    public void A_new_member_of_a_stable_group_starts_a_rebalance_and_the_generation_increments()
    {
        StartCoordinator();
        var a = NewMember("a");
        var b = NewMember("b");
        FormGroup(a);
        Assert.Equal(1, a.Generation);

        // Not an empty group: no initial delay, but a must rejoin before the generation completes.
        SendJoin(b);
        b.Probe.ExpectNoMsg(TimeSpan.FromSeconds(1));
        Assert.Equal(GroupState.PreparingRebalance, State);
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat(a));

        SendJoin(a);
        var leader = ExpectJoin(a);
        var follower = ExpectJoin(b);
        Assert.Equal(2, leader.GenerationId);
        Assert.Equal(2, follower.GenerationId);
        Assert.Equal(a.Id, leader.Leader);
        Assert.Equal(2, leader.Members.Count);
        SyncAll(a, a, b);

        // And once more: b leaves, a rejoins alone.
        Assert.Equal(ErrorCode.None, Leave(b).Error);
        Assert.Equal(3, Join(a).GenerationId);
    }

    [Fact]
    public void The_protocol_is_the_one_every_member_supports_with_the_most_first_choice_votes()
    {
        StartCoordinator();
        // sticky is the most popular first choice but a does not support it; among range and roundrobin (which all
        // support) b and c prefer roundrobin, a prefers range: roundrobin wins 2 to 1.
        var a = NewMember("a");
        a.Assignors = ["range", "roundrobin"];
        var b = NewMember("b");
        b.Assignors = ["sticky", "roundrobin", "range"];
        var c = NewMember("c");
        c.Assignors = ["sticky", "roundrobin", "range"];

        SendJoin(a);
        SendJoin(b);
        SendJoin(c);
        var results = new[] { ExpectJoin(a), ExpectJoin(b), ExpectJoin(c) };

        Assert.All(results, r => Assert.Equal("roundrobin", r.ProtocolName));
        Assert.Equal("roundrobin", Describe().Protocol);
        // The leader gets each member's metadata for the chosen protocol.
        var leader = results.Single(r => r.Members.Count > 0);
        Assert.Equal(3, leader.Members.Count);
    }

    [Fact]
    public void A_member_of_another_protocol_type_or_without_a_common_protocol_is_refused()
    {
        StartCoordinator();
        var a = NewMember("a");
        a.Assignors = ["range", "roundrobin"];
        FormGroup(a);

        var connect = NewMember("connect");
        connect.ProtocolType = "connect";
        SendJoin(connect);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, connect.Probe.ExpectMsg<JoinGroupResult>().Error);

        var sticky = NewMember("sticky");
        sticky.Assignors = ["sticky", "cooperative-sticky"];
        SendJoin(sticky);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, sticky.Probe.ExpectMsg<JoinGroupResult>().Error);

        // One protocol in common is enough.
        var roundrobin = NewMember("roundrobin");
        roundrobin.Assignors = ["sticky", "roundrobin"];
        SendJoin(roundrobin);
        roundrobin.Probe.ExpectNoMsg(TimeSpan.Zero);

        // The refused ones changed nothing: the group still has its member, now rebalancing for the compatible one.
        var description = Describe();
        Assert.Equal(GroupState.PreparingRebalance, description.State);
        Assert.Equal(["a", "roundrobin"], description.Members.Select(m => m.ClientId));
        Assert.Equal(a.Id, description.Members[0].MemberId);
    }

    [Fact]
    public void A_session_timeout_outside_the_brokers_bounds_is_refused()
    {
        StartCoordinator();
        var a = NewMember("a");
        a.SessionTimeoutMs = Defaults.MinSessionTimeoutMs - 1;
        SendJoin(a);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, a.Probe.ExpectMsg<JoinGroupResult>().Error);

        a.SessionTimeoutMs = Defaults.MaxSessionTimeoutMs + 1;
        SendJoin(a);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, a.Probe.ExpectMsg<JoinGroupResult>().Error);
        Assert.Equal(GroupState.Empty, State);
    }

    [Fact]
    public void A_group_that_only_had_commits_from_outside_the_protocol_takes_its_first_members_protocol_type()
    {
        // E.g. kafka-consumer-groups --reset-offsets on a new group, then the consumers start.
        StartCoordinator();
        SimpleCommit((Tp("orders"), 100));
        Assert.Equal("", Describe().ProtocolType);
        var a = NewMember("a");
        var b = NewMember("b");

        SendJoin(a);
        SendJoin(b);

        Assert.Equal(ErrorCode.None, ExpectJoin(a).Error);
        Assert.Equal(ErrorCode.None, ExpectJoin(b).Error);
        Assert.Equal("consumer", Describe().ProtocolType);
    }

    [Fact]
    public void An_emptied_group_takes_the_protocol_type_of_its_next_members()
    {
        StartCoordinator();
        var consumer = NewMember("consumer");
        FormGroup(consumer);
        Leave(consumer);
        Assert.Equal(GroupState.Empty, State);
        var a = NewMember("worker-a");
        var b = NewMember("worker-b");
        a.ProtocolType = b.ProtocolType = "connect";
        a.Assignors = b.Assignors = ["sessioned"];

        SendJoin(a);
        SendJoin(b);

        Assert.Equal(ErrorCode.None, ExpectJoin(a).Error);
        Assert.Equal(ErrorCode.None, ExpectJoin(b).Error);
        Assert.Equal("connect", Describe().ProtocolType);
        // And the group is now one of that type: a consumer is refused.
        var late = NewMember("late");
        SendJoin(late);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, late.Probe.ExpectMsg<JoinGroupResult>().Error);
    }
}
