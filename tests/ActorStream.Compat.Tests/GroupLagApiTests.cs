using System.Net;
using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;
using static ActorStream.Compat.Tests.GroupSteps;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Group lag through the node's admin HTTP API, for a group whose offsets real clients committed: a confluent-kafka
/// member processes and commits part of a topic and leaves; more records arrive; GET /api/groups/&lt;id&gt;/lag then
/// says, per partition, the committed offset (the same kafka-python's OffsetFetch reads), the high watermark, the
/// lag in records and how old the first unconsumed record is. A live kafka-python member that consumes without
/// committing shows in GET /api/groups/&lt;id&gt; with its client id and assignment, and owns the lagging partitions.
/// GET /api/topics and /api/topics/&lt;name&gt; show the topic with its partitions' offsets.
/// </summary>
public sealed class GroupLagApiTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private const int Partitions = 2;

    [Fact]
    public async Task Lag_in_records_and_time_is_served_per_partition_with_the_member_that_owns_it()
    {
        var topic = await CreateTopic(Clients, Bootstrap, "group-lag", Partitions);
        var groupId = NewGroupName("lag");
        await Produce(Clients, Bootstrap, topic, Partitions, 20, "lag-a"); // offsets 0..9 in both partitions
        await using var group = new GroupScenario(Output, Bootstrap);

        var first = group.Start(GroupClient.Confluent, "lag-first", new MemberOptions(groupId, topic) { Commit = "after-processing", Batch = 4, MaxRecords = 12 });
        Assert.True(await first.WaitForExitAsync() == 0, $"the first member did not stop cleanly after 12 records.\n{first.Describe()}");
        var committed = first.Committed;
        Assert.Equal(12, committed.Values.Sum());
        await Produce(Clients, Bootstrap, topic, Partitions, 6, "lag-b"); // offsets 10..12 in both partitions

        using var http = new HttpClient { BaseAddress = Node.AdminAddress };
        var lag = await GetJson(http, $"/api/groups/{groupId}/lag");
        Assert.Equal(groupId, lag["groupId"]!.GetValue<string>());
        Assert.Equal(26 - 12, lag["totalLag"]!.GetValue<long>());
        var partitions = lag["partitions"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal([0, 1], partitions.Select(p => p["partition"]!.GetValue<int>()));
        var fetched = Offsets(await DescribeGroup(Clients, GroupClient.KafkaPython, Bootstrap, groupId, topic, Partitions));
        foreach (var p in partitions)
        {
            int partition = p["partition"]!.GetValue<int>();
            long offset = p["committedOffset"]!.GetValue<long>();
            Assert.Equal(topic, p["topic"]!.GetValue<string>());
            Assert.Equal(committed.GetValueOrDefault(partition), offset);
            Assert.Equal(fetched.GetValueOrDefault(partition), offset); // what OffsetFetch says through kafka-python
            Assert.Equal(13, p["highWatermark"]!.GetValue<long>());
            Assert.Equal(13 - offset, p["lag"]!.GetValue<long>());
            Assert.True(p["timeLagMs"]!.GetValue<long>() > 0, $"partition {partition} lags {13 - offset} records, so its first unconsumed record has an age: {p}");
            Assert.Null(p["memberId"]?.GetValue<string>()); // nobody is in the group now
        }

        var topicView = await GetJson(http, $"/api/topics/{topic}");
        Assert.Equal([13L, 13L], topicView["partitions"]!.AsArray().Select(p => p!["highWatermark"]!.GetValue<long>()));
        Assert.Equal([0L, 0L], topicView["partitions"]!.AsArray().Select(p => p!["logStartOffset"]!.GetValue<long>()));
        using (var topics = await http.GetAsync(new Uri("/api/topics", UriKind.Relative)))
        {
            var listed = JsonNode.Parse(await topics.Content.ReadAsStringAsync())!.AsArray();
            Assert.Contains(listed, t => t!["name"]!.GetValue<string>() == topic && t["partitions"]!.GetValue<int>() == Partitions);
        }

        var empty = await GetJson(http, $"/api/groups/{groupId}");
        Assert.Equal("Empty", empty["state"]!.GetValue<string>());
        Assert.Empty(empty["members"]!.AsArray());

        // A member that consumes everything and commits nothing: the lag stays, now owned by that member.
        var live = group.Start(GroupClient.KafkaPython, "lag-live", new MemberOptions(groupId, topic) { Commit = "none" });
        await group.WaitUntil("the live member holds both partitions and consumed up to the end", () =>
            live.Assignment.Count == Partitions && live.Records.Count(r => r.Offset == 12) == Partitions);
        var described = await GetJson(http, $"/api/groups/{groupId}");
        Assert.Equal("Stable", described["state"]!.GetValue<string>());
        Assert.Equal("consumer", described["protocolType"]!.GetValue<string>());
        var member = Assert.Single(described["members"]!.AsArray())!.AsObject();
        Assert.Equal("lag-live", member["clientId"]!.GetValue<string>());
        var assignment = Assert.Single(member["assignment"]!.AsArray())!.AsObject();
        Assert.Equal(topic, assignment["topic"]!.GetValue<string>());
        Assert.Equal([0, 1], assignment["partitions"]!.AsArray().Select(p => p!.GetValue<int>()));
        string memberId = member["memberId"]!.GetValue<string>();
        var owned = described["lag"]!["partitions"]!.AsArray().Select(p => p!["memberId"]?.GetValue<string>()).ToList();
        Assert.Equal([memberId, memberId], owned);
        Assert.Equal(26 - 12, described["lag"]!["totalLag"]!.GetValue<long>());
        await live.StopAsync();

        var missing = await http.GetAsync(new Uri($"/api/groups/{NewGroupName("never")}/lag", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("does not exist", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonObject> GetJson(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        Output.WriteLine($"GET {path}: {(int)response.StatusCode} {body}");
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
