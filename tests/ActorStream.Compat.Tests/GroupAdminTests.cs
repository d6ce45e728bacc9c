using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;
using static ActorStream.Compat.Tests.GroupSteps;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Requirement 10: consumer-group administration through each client's admin API, on one shared node:
/// ListGroups, DescribeGroups (state, protocol type and name, members with client ids and decoded
/// assignments) and OffsetFetch of a live group; DeleteGroups refused for a group with members
/// (NON_EMPTY_GROUP), the group Empty with its offsets once the members left, then deleted: gone from
/// ListGroups, described as Dead (or GROUP_ID_NOT_FOUND), no offsets.
///   confluent-kafka 1.7: AdminClient.list_groups (ListGroups + DescribeGroups) and Consumer.committed
///     (OffsetFetch); it has no DeleteGroups API (list/describe_consumer_groups and delete_consumer_groups
///     came in 2.0), so its test deletes with kafka-python;
///   kafka-python: KafkaAdminClient.list_consumer_groups, describe_consumer_groups, list_consumer_group_offsets,
///     delete_consumer_groups;
///   KafkaJS: admin.listGroups, describeGroups, fetchOffsets, deleteGroups.
/// The group's members are confluent-kafka members (range assignor) in every case.
/// </summary>
public sealed class GroupAdminTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private const int Partitions = 2;

    public static TheoryData<string> AdminClients => new() { GroupClient.Confluent, GroupClient.KafkaPython, GroupClient.KafkaJs };

    [Theory]
    [MemberData(nameof(AdminClients))]
    public async Task Lists_describes_and_fetches_offsets_of_a_group_and_deletes_it_once_empty(string client)
    {
        var topic = await CreateTopic(Clients, Bootstrap, $"group-admin-{client}", Partitions);
        var groupId = NewGroupName($"admin-{client}");
        var produced = await Produce(Clients, Bootstrap, topic, Partitions, 10, "admin"); // offsets 0..4 in both partitions
        var options = new MemberOptions(groupId, topic) { Commit = "after-processing", Strategy = "range" };
        var deleter = client == GroupClient.Confluent ? GroupClient.KafkaPython : client;
        await using var group = new GroupScenario(Output, Bootstrap);

        var a = group.Start(GroupClient.Confluent, "admin-a", options);
        var b = group.Start(GroupClient.Confluent, "admin-b", options);
        await group.WaitUntil("both members hold a partition, processed every record and committed it",
            () => GroupScenario.Split([a, b], Partitions, 1, 1) && AllProcessed([a, b], Positions(produced))
                && a.Committed.Concat(b.Committed).Count(kv => kv.Value == 5) == Partitions);
        Output.WriteLine(GroupScenario.Assignments([a, b]));

        // A live group.
        var live = await DescribeGroup(Clients, client, Bootstrap, groupId, topic, Partitions);
        AssertListed(live, groupId, true);
        var described = live["group"] as JsonObject;
        Assert.True(described is not null, $"DescribeGroups did not return {groupId}: {live.ToJsonString()}");
        Assert.True(described!["error"] is null, $"DescribeGroups error: {described.ToJsonString()}");
        Assert.Equal("Stable", Expect.Str(described["state"]));
        Assert.Equal("consumer", Expect.Str(described["protocol_type"]));
        Assert.Equal("range", Expect.Str(described["protocol"]));
        var members = described["members"]!.AsArray();
        Assert.Equal(["admin-a", "admin-b"], members.Select(m => Expect.Str(m!["client_id"])));
        foreach (var (member, info) in new[] { a, b }.Zip(members))
        {
            Assert.True(Expect.Str(info!["member_id"]).Length > 0, $"{member.Name}: no member id in {info.ToJsonString()}");
            Assert.Equal(member.Assignment, info["assignment"]!.AsArray().Select(p => p!.GetValue<int>()));
            Assert.Equal([topic], info["subscription"]!.AsArray().Select(t => t!.GetValue<string>()));
        }

        Assert.Equal("{0: 5, 1: 5}", Show(Offsets(live)));

        // DeleteGroups refuses a group that has members.
        var refused = await DeleteGroups(Clients, deleter, Bootstrap, groupId);
        var error = refused.GetValueOrDefault(groupId);
        Assert.True(error is not null && Normalize(error).Contains("nonemptygroup", StringComparison.Ordinal),
            $"deleting a group with members: {error ?? "succeeded"}, expected NON_EMPTY_GROUP");

        // The members leave: the group is Empty and keeps its offsets.
        await Task.WhenAll(a.StopAsync(), b.StopAsync());
        var empty = await DescribeGroup(Clients, client, Bootstrap, groupId, topic, Partitions);
        var emptyGroup = empty["group"] as JsonObject;
        Assert.True(emptyGroup is not null, $"DescribeGroups of the empty group: {empty.ToJsonString()}");
        Assert.Equal("Empty", Expect.Str(emptyGroup!["state"]));
        Assert.Empty(emptyGroup["members"]!.AsArray());
        Assert.Equal("{0: 5, 1: 5}", Show(Offsets(empty)));

        // Deleted: gone from ListGroups, Dead (or not found), no offsets.
        var deleted = await DeleteGroups(Clients, deleter, Bootstrap, groupId);
        Assert.True(deleted.TryGetValue(groupId, out var deleteError) && deleteError is null, $"deleting the empty group: {deleteError ?? "no result"}");
        var gone = await DescribeGroup(Clients, client, Bootstrap, groupId, topic, Partitions);
        AssertListed(gone, groupId, false);
        if (gone["group"] is JsonObject dead)
        {
            var state = Expect.Str(dead["state"]);
            var deadError = Expect.Str(dead["error"]);
            Assert.True(state == "Dead" || Normalize(deadError).Contains("groupidnotfound", StringComparison.Ordinal),
                $"a deleted group should be described as Dead (or GROUP_ID_NOT_FOUND): {dead.ToJsonString()}");
            Assert.Empty(dead["members"]!.AsArray());
        }

        Assert.Empty(Offsets(gone));
    }

    private static void AssertListed(JsonObject result, string groupId, bool listed)
    {
        var groups = result["listed"]!.AsArray().Select(g => g!.AsObject()).ToList();
        var found = groups.Where(g => Expect.Str(g["group"]) == groupId).ToList();
        Assert.True(found.Count == (listed ? 1 : 0), $"ListGroups: {groupId} {(listed ? "missing" : "still listed")} in [{string.Join(", ", groups.Select(g => Expect.Str(g["group"])))}]");
        if (listed)
            Assert.Equal("consumer", Expect.Str(found[0]["protocol_type"]));
    }

    private static string Normalize(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
}
