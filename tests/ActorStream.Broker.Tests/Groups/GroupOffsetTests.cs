using System.Text.Json;
using ActorStream.Broker.Groups;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>OffsetCommit, OffsetFetch and OffsetDelete against the group's state.</summary>
public sealed class GroupOffsetTests(ITestOutputHelper output) : GroupCoordinatorTestKit(output)
{
    [Fact]
    public void A_commit_in_the_current_generation_is_written_and_fetched_back()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        var committedAt = Sys.Clock.UtcNow.ToUnixTimeMilliseconds();

        var committed = Commit(a.Probe, a.Generation, a.Id, null,
            [new OffsetToCommit(Tp("orders", 0), 42, 3, "checkpoint"), new OffsetToCommit(Tp("orders", 1), 7, -1, null)]);

        Assert.Equal([(Tp("orders", 0), ErrorCode.None), (Tp("orders", 1), ErrorCode.None)], committed.Results);
        var fetched = Fetch(Tp("orders", 0));
        Assert.Equal(new CommittedOffset(Tp("orders", 0), 42, 3, "checkpoint", committedAt), fetched);
        Assert.Equal(7, FetchOffset(Tp("orders", 1)));

        // Both are in one batch of offset records.
        var batch = GroupLog.Batches[^1];
        Assert.Equal([OffsetKey(Tp("orders", 0)), OffsetKey(Tp("orders", 1))], batch.Select(r => r.Key));
        Assert.Equal(new StoredOffset(42, 3, "checkpoint", committedAt), JsonSerializer.Deserialize<StoredOffset>(batch[0].Value!));

        // Fetching every partition (null) returns both.
        var all = Ask<OffsetsFetched>(Coordinator, new FetchOffsets(GroupId, null));
        Assert.Equal([(Tp("orders", 0), 42L), (Tp("orders", 1), 7L)], all.Offsets.Select(o => (o.TopicPartition, o.Offset)).OrderBy(o => o.TopicPartition.Partition));
    }

    [Fact]
    public void A_commit_for_another_generation_or_from_an_unknown_member_is_refused_and_not_stored()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        int writes = GroupLog.Appends;

        Assert.Equal([(Tp("orders"), ErrorCode.IllegalGeneration)], Commit(a.Probe, 2, a.Id, (Tp("orders"), 5)).Results);
        Assert.Equal([(Tp("orders"), ErrorCode.IllegalGeneration)], Commit(a.Probe, 0, a.Id, (Tp("orders"), 5)).Results);
        Assert.Equal([(Tp("orders"), ErrorCode.UnknownMemberId)], Commit(a.Probe, 1, "someone-else", (Tp("orders"), 5)).Results);

        Assert.Equal(-1, FetchOffset(Tp("orders")));
        Assert.Equal(writes, GroupLog.Appends);
    }

    [Fact]
    public void A_commit_while_completing_a_rebalance_is_RebalanceInProgress()
    {
        StartCoordinator();
        var a = NewMember("a");
        Assert.Equal(1, Join(a).GenerationId);
        Assert.Equal(GroupState.CompletingRebalance, State);

        Assert.Equal([(Tp("orders"), ErrorCode.RebalanceInProgress)], Commit(a, (Tp("orders"), 5)).Results);
        Assert.Equal(-1, FetchOffset(Tp("orders")));

        Sync(a, AssignmentsFor(a));
        Assert.Equal([(Tp("orders"), ErrorCode.None)], Commit(a, (Tp("orders"), 5)).Results);
        Assert.Equal(5, FetchOffset(Tp("orders")));
    }

    [Fact]
    public void A_commit_for_the_current_generation_is_accepted_while_preparing_a_rebalance()
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        SendJoin(NewMember("b"));
        Runtime!.RunUntilIdle();
        Assert.Equal(GroupState.PreparingRebalance, State);

        // Kafka lets members commit what they processed before they rejoin (the generation is still theirs).
        Assert.Equal([(Tp("orders"), ErrorCode.None)], Commit(a, (Tp("orders"), 11)).Results);
        Assert.Equal(11, FetchOffset(Tp("orders")));
    }

    [Fact]
    public void A_commit_from_outside_the_group_protocol_is_accepted_only_while_the_group_has_no_members()
    {
        StartCoordinator();

        Assert.Equal([(Tp("orders"), ErrorCode.None)], SimpleCommit((Tp("orders"), 100)).Results);
        Assert.Equal(100, FetchOffset(Tp("orders")));
        var description = Describe();
        Assert.Equal(GroupState.Empty, description.State);
        Assert.Equal("", description.ProtocolType);

        var a = NewMember("a");
        FormGroup(a);
        Assert.Equal([(Tp("orders"), ErrorCode.UnknownMemberId)], SimpleCommit((Tp("orders"), 200)).Results);
        Assert.Equal(100, FetchOffset(Tp("orders")));

        Assert.Equal(ErrorCode.None, Leave(a).Error);
        Assert.Equal([(Tp("orders"), ErrorCode.None)], SimpleCommit((Tp("orders"), 300)).Results);
        Assert.Equal(300, FetchOffset(Tp("orders")));
    }

    [Fact]
    public void Fetching_a_partition_never_committed_returns_minus_one()
    {
        StartCoordinator();
        SimpleCommit((Tp("orders", 0), 9));

        var fetched = Ask<OffsetsFetched>(Coordinator, new FetchOffsets(GroupId, [Tp("orders", 0), Tp("orders", 1), Tp("other", 0)]));

        Assert.Equal(ErrorCode.None, fetched.Error);
        Assert.Equal([9L, -1L, -1L], fetched.Offsets.Select(o => o.Offset));
        Assert.Equal(new CommittedOffset(Tp("orders", 1), -1, -1, null, -1), fetched.Offsets[1]);
    }

    [Fact]
    public void Metadata_longer_than_the_limit_in_utf8_bytes_is_OffsetMetadataTooLarge()
    {
        StartCoordinator(Defaults with { MaxOffsetMetadataBytes = 10 });

        // Five two-byte characters fit in ten bytes; six do not, though six characters are fewer than ten.
        var committed = Commit(TestActor, -1, "", null,
        [
            new OffsetToCommit(Tp("orders", 0), 1, -1, "ééééé"),
            new OffsetToCommit(Tp("orders", 1), 2, -1, "éééééé"),
        ]);

        Assert.Equal([(Tp("orders", 0), ErrorCode.None), (Tp("orders", 1), ErrorCode.OffsetMetadataTooLarge)], committed.Results.OrderBy(r => r.TopicPartition.Partition));
        Assert.Equal("ééééé", Fetch(Tp("orders", 0)).Metadata);
        Assert.Equal(-1, FetchOffset(Tp("orders", 1)));
        Assert.Empty(GroupLog.ValuesOf(OffsetKey(Tp("orders", 1))));
    }

    [Theory]
    [InlineData(ErrorCode.NotEnoughReplicas, ErrorCode.CoordinatorNotAvailable)]
    [InlineData(ErrorCode.NotLeaderOrFollower, ErrorCode.NotCoordinator)]
    [InlineData(ErrorCode.RequestTimedOut, ErrorCode.RequestTimedOut)]
    [InlineData(ErrorCode.CoordinatorNotAvailable, ErrorCode.CoordinatorNotAvailable)]
    [InlineData(ErrorCode.MessageTooLarge, ErrorCode.InvalidCommitOffsetSize)]
    public void A_failed_offset_write_answers_an_error_the_clients_handle_and_nothing_is_stored(ErrorCode logError, ErrorCode answered)
    {
        StartCoordinator();
        var a = NewMember("a");
        FormGroup(a);
        GroupLog.Mode = WriteMode.Fail;
        GroupLog.FailureCode = logError;

        var committed = Commit(a, (Tp("orders"), 5));

        Assert.Equal([(Tp("orders"), answered)], committed.Results);
        Assert.Equal(-1, FetchOffset(Tp("orders")));
        var deleted = Ask<OffsetsDeleted>(Coordinator, new DeleteOffsets(GroupId, [Tp("audit")]));
        Assert.Equal(answered, deleted.Error);
        Assert.Equal([(Tp("audit"), answered)], deleted.Results);
    }

    [Fact]
    public void Deleting_offsets_during_the_first_rebalance_refuses_the_topics_of_the_joining_members()
    {
        StartCoordinator();
        SimpleCommit((Tp("orders"), 100), (Tp("audit"), 7));
        var a = NewMember("a", topics: "orders");
        a.Assignors = ["range", "roundrobin"];
        SendJoin(a);
        a.Probe.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(GroupState.PreparingRebalance, State);

        var deleted = Ask<OffsetsDeleted>(Coordinator, new DeleteOffsets(GroupId, [Tp("orders"), Tp("audit")]));

        Assert.Equal([(Tp("orders"), ErrorCode.GroupSubscribedToTopic), (Tp("audit"), ErrorCode.None)], deleted.Results);
        Assert.Equal(100, FetchOffset(Tp("orders")));
        Assert.Equal(-1, FetchOffset(Tp("audit")));
    }

    [Fact]
    public void Deleting_offsets_refuses_topics_the_members_subscribe_to_and_tombstones_the_others()
    {
        StartCoordinator();
        var a = NewMember("a", topics: "orders");
        var b = NewMember("b", topics: ["payments", "refunds"]);
        FormGroup(a, b);
        Commit(a, (Tp("orders"), 1), (Tp("audit"), 2), (Tp("refunds"), 3));

        var deleted = Ask<OffsetsDeleted>(Coordinator, new DeleteOffsets(GroupId, [Tp("orders"), Tp("audit"), Tp("refunds")]));

        Assert.Equal(ErrorCode.None, deleted.Error);
        Assert.Equal([(Tp("orders"), ErrorCode.GroupSubscribedToTopic), (Tp("audit"), ErrorCode.None), (Tp("refunds"), ErrorCode.GroupSubscribedToTopic)], deleted.Results);
        Assert.Equal(1, FetchOffset(Tp("orders")));
        Assert.Equal(-1, FetchOffset(Tp("audit")));
        Assert.Equal(3, FetchOffset(Tp("refunds")));
        Assert.Null(GroupLog.ValuesOf(OffsetKey(Tp("audit")))[^1]);
        Assert.All(GroupLog.ValuesOf(OffsetKey(Tp("orders"))), Assert.NotNull);

        // Once the group is empty nothing is subscribed any more.
        Assert.Equal(ErrorCode.None, Leave(a).Error);
        Assert.Equal(ErrorCode.None, Leave(b).Error);
        Assert.Equal(GroupState.Empty, State);
        var emptied = Ask<OffsetsDeleted>(Coordinator, new DeleteOffsets(GroupId, [Tp("orders")]));
        Assert.Equal([(Tp("orders"), ErrorCode.None)], emptied.Results);
        Assert.Equal(-1, FetchOffset(Tp("orders")));
        Assert.Null(GroupLog.ValuesOf(OffsetKey(Tp("orders")))[^1]);
    }

    [Fact]
    public void Offsets_of_a_live_group_of_another_protocol_type_cannot_be_deleted()
    {
        StartCoordinator();
        var a = NewMember("a");
        a.ProtocolType = "connect";
        FormGroup(a);
        var deleted = Ask<OffsetsDeleted>(Coordinator, new DeleteOffsets(GroupId, [Tp("orders")]));
        Assert.Equal(ErrorCode.NonEmptyGroup, deleted.Error);
    }
}
