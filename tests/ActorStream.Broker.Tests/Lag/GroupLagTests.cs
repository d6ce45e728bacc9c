using ActorStream.Actors;
using ActorStream.Broker.Groups;
using ActorStream.Broker.Tests.Replication;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Lag;

public sealed class GroupLagTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Lag_is_the_records_and_the_age_of_the_first_record_a_group_has_not_consumed()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(Batches.Timestamp + 60_000);
        await using var harness = await BrokerHarness.StartAsync(output, clock: new FixedClock(now));
        Assert.Equal(ErrorCode.None, (await harness.CreateTopicAsync("orders", 2)).Error.Code);
        // Ten records stamped Timestamp, Timestamp+1, ... on partition 0; three on partition 1.
        Assert.Equal(ErrorCode.None, (await harness.AppendAsync("orders", Batches.Plain(10))).Error);
        Assert.Equal(ErrorCode.None, (await harness.AppendAsync("orders", Batches.Plain(3), partition: 1)).Error);

        var commit = new CommitOffsets("billing", -1, "", null,
            [new OffsetToCommit(new("orders", 0), 4, -1, null), new OffsetToCommit(new("orders", 1), 3, -1, null)]);
        var committed = await harness.Broker.Groups.Ask<OffsetsCommitted>(commit, BrokerHarness.Timeout);
        Assert.All(committed.Results, r => Assert.Equal(ErrorCode.None, r.Error));

        var lag = await GroupLag.DescribeAsync(harness.Broker, "billing", BrokerHarness.Timeout);
        var p0 = Assert.Single(lag, l => l.TopicPartition.Partition == 0);
        Assert.Equal(6, p0.Lag);
        Assert.Equal(10, p0.HighWatermark);
        Assert.Equal(TimeSpan.FromMilliseconds(60_000 - 4), p0.TimeLag); // record 4 was stamped Timestamp + 4
        var p1 = Assert.Single(lag, l => l.TopicPartition.Partition == 1);
        Assert.Equal(0, p1.Lag);
        Assert.Equal(TimeSpan.Zero, p1.TimeLag);
    }

    [Fact]
    public async Task An_assigned_partition_without_a_commit_counts_from_the_log_start_and_names_its_member()
    {
        await using var harness = await BrokerHarness.StartAsync(output, s => s with { Groups = s.Groups with { InitialRebalanceDelayMs = 0 } });
        Assert.Equal(ErrorCode.None, (await harness.CreateTopicAsync("orders", 3)).Error.Code);
        Assert.Equal(ErrorCode.None, (await harness.AppendAsync("orders", Batches.Plain(5))).Error);
        Assert.Equal(ErrorCode.None, (await harness.AppendAsync("orders", Batches.Plain(7), partition: 1)).Error);
        Assert.Equal(ErrorCode.None, (await harness.AppendAsync("orders", Batches.Plain(2), partition: 2)).Error);

        // One consumer, assigned partitions 0 and 1 by its own (client-side) assignor; it commits only partition 0.
        var join = new JoinGroup("billing", "", null, "client-1", "/127.0.0.1", 10_000, 10_000, "consumer", [new GroupProtocolEntry("range", [])], RequireKnownMemberId: false);
        var joined = await harness.Broker.Groups.Ask<JoinGroupResult>(join, BrokerHarness.Timeout);
        Assert.Equal(ErrorCode.None, joined.Error);
        var assignment = ConsumerProtocol.EncodeAssignment([new("orders", 0), new("orders", 1)]);
        var sync = new SyncGroup("billing", joined.GenerationId, joined.MemberId, null, "consumer", "range", new Dictionary<string, byte[]> { [joined.MemberId] = assignment });
        Assert.Equal(ErrorCode.None, (await harness.Broker.Groups.Ask<SyncGroupResult>(sync, BrokerHarness.Timeout)).Error);
        var commit = new CommitOffsets("billing", joined.GenerationId, joined.MemberId, null, [new OffsetToCommit(new("orders", 0), 2, -1, null)]);
        Assert.All((await harness.Broker.Groups.Ask<OffsetsCommitted>(commit, BrokerHarness.Timeout)).Results, r => Assert.Equal(ErrorCode.None, r.Error));

        var lag = await GroupLag.DescribeAsync(harness.Broker, "billing", BrokerHarness.Timeout);

        Assert.Equal([0, 1], lag.Select(l => l.TopicPartition.Partition));
        Assert.Equal((2L, 3L, joined.MemberId), (lag[0].CommittedOffset, lag[0].Lag, lag[0].MemberId));
        Assert.Equal((-1L, 7L, joined.MemberId), (lag[1].CommittedOffset, lag[1].Lag, lag[1].MemberId));
        Assert.True(lag[1].TimeLag > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_group_nobody_knows_has_no_lag()
    {
        await using var harness = await BrokerHarness.StartAsync(output);
        Assert.Empty(await GroupLag.DescribeAsync(harness.Broker, "nobody", BrokerHarness.Timeout));
    }

    [Fact]
    public async Task While_a_groups_offsets_partition_is_offline_it_is_unavailable_not_empty()
    {
        await using var harness = await BrokerHarness.StartAsync(output, s => s with { ReplicaRestartBackoffMin = TimeSpan.FromHours(1), ReplicaRestartBackoffMax = TimeSpan.FromHours(1) });
        Assert.Equal(ErrorCode.None, (await harness.CreateTopicAsync("orders", 1)).Error.Code);
        var commit = new CommitOffsets("billing", -1, "", null, [new OffsetToCommit(new("orders", 0), 0, -1, null)]);
        Assert.All((await harness.Broker.Groups.Ask<OffsetsCommitted>(commit, BrokerHarness.Timeout)).Results, r => Assert.Equal(ErrorCode.None, r.Error));
        int partition = GroupPartitioner.PartitionFor("billing", 50);
        string neighbour = Enumerable.Range(0, 10_000).Select(i => $"other-{i}").First(g => GroupPartitioner.PartitionFor(g, 50) == partition);

        // The offsets partition's log fails under its replica at the next write.
        var offsets = harness.Partition(GroupPartitioner.OffsetsTopic, partition);
        offsets.Log.Dispose();
        var failed = await harness.Broker.Groups.Ask<OffsetsCommitted>(commit, BrokerHarness.Timeout);
        Assert.All(failed.Results, r => Assert.NotEqual(ErrorCode.None, r.Error));
        await Eventually.HoldsAsync(() => Task.FromResult(harness.Broker.Partitions.OfflineReason(new(GroupPartitioner.OffsetsTopic, partition)) is not null), "the offsets partition offline");

        var found = await harness.Broker.Groups.Ask<CoordinatorFound>(new FindCoordinator(neighbour), BrokerHarness.Timeout);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, found.Error);
        var described = await harness.Broker.Groups.Ask<GroupDescription>(new DescribeGroup(neighbour), BrokerHarness.Timeout);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, described.Error);
        var error = await Assert.ThrowsAsync<GroupUnavailableException>(() => GroupLag.DescribeAsync(harness.Broker, neighbour, BrokerHarness.Timeout));
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, error.Error);
    }
}
