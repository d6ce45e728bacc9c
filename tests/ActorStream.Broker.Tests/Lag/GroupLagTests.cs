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
}
