using ActorStream.Compat.Tests.Harness;
using static ActorStream.Compat.Tests.GroupSteps;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Requirement 8: committed offsets survive a node restart. A group member commits as it processes half the
/// records and leaves; the node is stopped (SIGTERM, a clean shutdown) and started again on the same data
/// directory; OffsetFetch (kafka-python's admin client) shows the same committed offsets before and after, and
/// a new member of the group (another client: kafka-python, so the offsets are read by other code than
/// wrote them) resumes exactly there: it processes every remaining record and none of the committed ones.
/// This class has its own node (it restarts it).
/// </summary>
public sealed class GroupRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Partitions = 4;

    private readonly OwnNodes _nodes = new(output, "actorstream-compat-group-restart");
    private readonly Clients _clients = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private Task<NodeProcess> Start() => _nodes.StartAsync();

    [Fact]
    public async Task Committed_offsets_survive_a_node_restart_and_a_new_member_resumes_from_them()
    {
        var node = await Start();
        var topic = await CreateTopic(_clients, node.BootstrapServers, "group-restart", Partitions);
        var groupId = NewGroupName("restart");
        var produced = await Produce(_clients, node.BootstrapServers, topic, Partitions, 40, "restart"); // 10 per partition

        await using var group = new GroupScenario(output, node.BootstrapServers);
        var before = group.Start(GroupClient.Confluent, "before-restart", new MemberOptions(groupId, topic) { Commit = "after-processing", Batch = 5, MaxRecords = 20 });
        Assert.True(await before.WaitForExitAsync() == 0, $"the first member did not stop cleanly after 20 records.\n{before.Describe()}");
        var processed = before.Records;
        Assert.Equal(20, processed.Count);
        // It commits everything it processed before closing: per partition, one past the last processed offset.
        var expected = processed.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Max(r => r.Offset) + 1);
        Assert.True(expected.OrderBy(kv => kv.Key).SequenceEqual(before.Committed.OrderBy(kv => kv.Key)),
            $"the member reported commits {Show(before.Committed)}, but processed up to {Show(expected)}");

        var fetchedBefore = Offsets(await DescribeGroup(_clients, GroupClient.KafkaPython, node.BootstrapServers, groupId, topic, Partitions));
        Assert.True(expected.OrderBy(kv => kv.Key).SequenceEqual(fetchedBefore.OrderBy(kv => kv.Key)), $"OffsetFetch before the restart: {Show(fetchedBefore)}, expected {Show(expected)}");

        await node.StopAsync(); // SIGTERM, exit code 0
        node = await Start();
        group.Bootstrap = node.BootstrapServers;

        var fetchedAfter = Offsets(await DescribeGroup(_clients, GroupClient.KafkaPython, node.BootstrapServers, groupId, topic, Partitions));
        Assert.True(expected.OrderBy(kv => kv.Key).SequenceEqual(fetchedAfter.OrderBy(kv => kv.Key)), $"OffsetFetch after the restart: {Show(fetchedAfter)}, expected {Show(expected)} (committed before it)");

        var after = group.Start(GroupClient.KafkaPython, "after-restart", new MemberOptions(groupId, topic) { Commit = "after-processing" });
        var remaining = Positions(produced);
        remaining.ExceptWith(Positions(processed));
        await group.WaitUntil($"the new member processed the {remaining.Count} records not processed before the restart", () => AllProcessed([after], remaining));
        await after.StopAsync();

        SameValues(produced, after.Records);
        var again = after.Records.Where(r => r.Offset < expected.GetValueOrDefault(r.Partition)).Select(r => (r.Partition, r.Offset)).ToList();
        Assert.True(again.Count == 0, $"after the restart the group re-read committed records: {Ranges(again)} (committed {Show(expected)})");
        Assert.True(after.RecordCount == remaining.Count, $"the new member processed {after.RecordCount} records, expected the {remaining.Count} remaining once each");
        await node.StopAsync();
    }
}
