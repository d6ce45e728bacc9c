using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>DescribeGroups, ListGroups and DeleteGroups as one coordinator answers them.</summary>
public sealed class GroupAdminTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    [Fact]
    public void Describe_reports_the_state_protocol_and_every_member_with_its_subscription_and_assignment()
    {
        StartCoordinator();
        var a = NewMember("a", "instance-a", "orders");
        var b = NewMember("b", null, "payments");
        FormGroup(a, b);

        var description = Describe();

        Assert.Equal(ErrorCode.None, description.Error);
        Assert.Equal(GroupId, description.GroupId);
        Assert.Equal(GroupState.Stable, description.State);
        Assert.Equal("consumer", description.ProtocolType);
        Assert.Equal("range", description.Protocol);
        Assert.Collection(
            description.Members,
            m => Assert.Equal(new[] { a.Id, "instance-a", "a", "/10.0.0.1" }, new[] { m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost }),
            m => Assert.Equal(new[] { b.Id, null, "b", "/10.0.0.1" }, new[] { m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost }));
        Assert.Equal([a.Metadata, b.Metadata], description.Members.Select(m => m.Metadata));
        Assert.Equal([AssignmentOf(a), AssignmentOf(b)], description.Members.Select(m => m.Assignment));
    }

    [Fact]
    public void ListGroups_names_the_group_its_protocol_type_and_state()
    {
        StartCoordinator();
        Assert.Equal(new ListedGroup(GroupId, "", GroupState.Empty), Ask<ListedGroup>(Coordinator, new ListGroups(null)));

        var a = NewMember("a");
        SendJoin(a);
        Runtime!.RunUntilIdle();
        Assert.Equal(new ListedGroup(GroupId, "consumer", GroupState.PreparingRebalance), Ask<ListedGroup>(Coordinator, new ListGroups(null)));
        ExpectJoin(a);
        Assert.Equal(new ListedGroup(GroupId, "consumer", GroupState.CompletingRebalance), Ask<ListedGroup>(Coordinator, new ListGroups(null)));
        Sync(a, AssignmentsFor(a));
        Assert.Equal(new ListedGroup(GroupId, "consumer", GroupState.Stable), Ask<ListedGroup>(Coordinator, new ListGroups(null)));
    }

    [Fact]
    public void A_group_with_members_cannot_be_deleted()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        Commit(a, (Tp("orders"), 1));
        int writes = GroupLog.Appends;

        Assert.Equal(new GroupDeleted(GroupId, ErrorCode.NonEmptyGroup), Ask<GroupDeleted>(Coordinator, new DeleteGroup(GroupId)));

        Assert.Equal(writes, GroupLog.Appends);
        Assert.Equal(GroupState.Stable, State);
        Assert.Equal(1, FetchOffset(Tp("orders")));
    }

    [Fact]
    public void Deleting_an_empty_group_tombstones_its_offsets_and_membership_and_stops_the_coordinator()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        Commit(a, (Tp("orders", 0), 1), (Tp("orders", 1), 2));
        Leave(a);
        Assert.Equal(GroupState.Empty, State);
        Assert.True(GroupLog.Load().ContainsKey(GroupId));
        Watch(Coordinator);

        Assert.Equal(new GroupDeleted(GroupId, ErrorCode.None), Ask<GroupDeleted>(Coordinator, new DeleteGroup(GroupId)));

        ExpectTerminated(Coordinator);
        var tombstones = GroupLog.Batches[^1];
        Assert.Equal(3, tombstones.Count);
        Assert.All(tombstones, r => Assert.Null(r.Value));
        Assert.Equal(
            new[] { OffsetKey(Tp("orders", 0)), OffsetKey(Tp("orders", 1)), GroupKey }.Select(Convert.ToHexString).Order(),
            tombstones.Select(r => Convert.ToHexString(r.Key)).Order());
        // Read back, the group is gone altogether.
        Assert.False(GroupLog.Load().ContainsKey(GroupId));
    }

    [Fact]
    public void A_delete_whose_tombstones_cannot_be_written_fails_and_keeps_the_group()
    {
        StartCoordinator();
        SimpleCommit((Tp("orders"), 1));
        GroupLog.Mode = WriteMode.Fail;
        GroupLog.FailureCode = ErrorCode.CoordinatorNotAvailable;

        Assert.Equal(new GroupDeleted(GroupId, ErrorCode.CoordinatorNotAvailable), Ask<GroupDeleted>(Coordinator, new DeleteGroup(GroupId)));

        Assert.Equal(GroupState.Empty, State);
        Assert.Equal(1, FetchOffset(Tp("orders")));
    }
}
