using ActorStream.Compat.Tests.Harness;
using static ActorStream.Compat.Tests.GroupSteps;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Consumer groups with real clients, on one shared node (every test has its own topic and groups): partition
/// assignment as members come (requirement 1), every record processed and never twice in one generation while
/// members join and leave (3), auto.offset.reset earliest/latest for a new group (5), cooperative-sticky
/// rebalancing (7), kcat -G in a group with another member (9).
///
/// Members are long-running processes (clients/group_member.py for confluent-kafka and kafka-python,
/// clients/kafkajs_group_member.js, kcat -G) printing one JSON event per line; the tests wait on conditions over
/// their assignments and records (<see cref="GroupScenario.WaitUntil"/>), never on sleeps. The members use
/// heartbeat.interval.ms=1000 so that they learn of a rebalance within a second.
/// </summary>
public sealed class GroupTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    public static TheoryData<string> AllMemberClients => new() { GroupClient.Confluent, GroupClient.KafkaPython, GroupClient.KafkaJs };

    public static TheoryData<string> PythonClients => new() { GroupClient.Confluent, GroupClient.KafkaPython };

    /// <summary>
    /// Requirement 1: 4 partitions; 2 members split them 2/2, a 3rd and 4th member bring it to 1/1/1/1, a 5th gets
    /// nothing (range assignor; KafkaJS: round robin, its only one). Each step is a new generation all members
    /// agree on; at the end every member leaves cleanly (LeaveGroup) and exits 0.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllMemberClients))]
    public async Task Four_partitions_split_2_2_then_1_1_1_1_and_a_fifth_member_stays_idle(string client)
    {
        var topic = await CreateTopic(Clients, Bootstrap, $"split-{client}", 4);
        var options = new MemberOptions(NewGroupName($"split-{client}"), topic) { Strategy = client == GroupClient.KafkaJs ? "roundrobin" : "range" };
        await using var group = new GroupScenario(Output, Bootstrap);

        var members = new List<GroupMember> { group.Start(client, "m1", options), group.Start(client, "m2", options) };
        await group.WaitUntil("m1 and m2 hold 2 partitions each", () => GroupScenario.Split(members, 4, 2, 2));
        Output.WriteLine(GroupScenario.Assignments(members));
        var generationOf2 = members[0].Generation;

        members.Add(group.Start(client, "m3", options));
        members.Add(group.Start(client, "m4", options));
        await group.WaitUntil("m1..m4 hold 1 partition each", () => GroupScenario.Split(members, 4, 1, 1, 1, 1));
        Output.WriteLine(GroupScenario.Assignments(members));
        var generationOf4 = members[0].Generation;
        if (generationOf2 is not null && generationOf4 is not null)
            Assert.True(generationOf4 > generationOf2, $"the 4-member generation {generationOf4} is not after the 2-member one {generationOf2}");

        var fifth = group.Start(client, "m5", options);
        members.Add(fifth);
        await group.WaitUntil("m5 joined with no partition while m1..m4 hold 1 each",
            () => GroupScenario.Split(members, 4, 1, 1, 1, 1, 0) && fifth.Assignment.Count == 0);
        Output.WriteLine(GroupScenario.Assignments(members));
        if (generationOf4 is not null && fifth.Generation is not null)
            Assert.True(fifth.Generation > generationOf4, $"the 5-member generation {fifth.Generation} is not after the 4-member one {generationOf4}");

        await Task.WhenAll(members.Select(m => m.StopAsync()));
    }

    /// <summary>
    /// Requirement 3: records produced while members join, leave cleanly and crash (SIGKILL) are all processed, and
    /// no record is processed twice within one generation (a partition has one owner per generation; across
    /// generations a record processed but not yet committed may be processed again, which is at-least-once).
    /// Members commit after processing; the SIGKILLed one is only noticed after session.timeout.ms=6000.
    /// </summary>
    [Theory]
    [MemberData(nameof(PythonClients))]
    public async Task Every_record_is_processed_and_never_twice_in_one_generation_while_members_join_and_leave(string client)
    {
        const int Partitions = 4;
        var topic = await CreateTopic(Clients, Bootstrap, $"churn-{client}", Partitions);
        var options = new MemberOptions(NewGroupName($"churn-{client}"), topic) { Commit = "after-processing", SessionTimeoutMs = 6000, Batch = 20 };
        await using var group = new GroupScenario(Output, Bootstrap);
        var produced = new List<Placed>();
        var producing = new List<Task<List<Placed>>>();
        void ProduceInBackground(string tag) => producing.Add(Produce(Clients, Bootstrap, topic, Partitions, 100, tag));

        var a = group.Start(client, "a", options);
        ProduceInBackground("while-a-joins");
        await group.WaitUntil("a joined", () => a.Joined);
        var b = group.Start(client, "b", options);
        ProduceInBackground("while-b-joins");
        await group.WaitUntil("b joined", () => b.Joined);
        var c = group.Start(client, "c", options);
        ProduceInBackground("while-c-joins");
        await group.WaitUntil("c joined", () => c.Joined);
        a.CloseStdin(); // a clean leave: LeaveGroup
        ProduceInBackground("while-a-leaves");
        Assert.Equal(0, await a.WaitForExitAsync());
        await group.WaitUntil("b took part in a generation after a left", () => b.Generation > a.Generation);
        b.Kill(); // a crash: only the session timeout tells the coordinator
        ProduceInBackground("after-b-crashed");
        foreach (var batch in await Task.WhenAll(producing))
            produced.AddRange(batch);

        var expected = Positions(produced);
        await group.WaitUntil($"all {expected.Count} records processed and c holding all {Partitions} partitions",
            () => GroupScenario.Split([c], Partitions, Partitions) && AllProcessed([a, b, c], expected), TimeSpan.FromSeconds(90));
        await c.StopAsync();

        var records = new[] { a, b, c }.SelectMany(m => m.Records).ToList();
        SameValues(produced, records);
        Assert.True(records.All(r => r.Generation is not null), "every processed record should carry the generation of its member's assignment");
        var twice = records.GroupBy(r => (r.Generation, r.Partition, r.Offset)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Partition}/{g.Key.Offset} in generation {g.Key.Generation} by {string.Join(" and ", g.Select(r => r.Member))}").ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} record(s) processed twice within one generation: {string.Join("; ", twice.Take(10))}");
        var again = records.GroupBy(r => (r.Partition, r.Offset)).Count(g => g.Count() > 1);
        Output.WriteLine($"{expected.Count} records produced; {records.Count} processed; {again} processed again in a later generation (at-least-once); " +
            $"generations seen: {string.Join(", ", records.Select(r => r.Generation).Distinct().Order())}");
    }

    /// <summary>
    /// Requirement 5: a new group with auto.offset.reset=earliest reads the records already there; one with latest
    /// starts at the end: it reads only records produced after it knew its start positions (the member reports
    /// them in a "positions" event once its fetcher resolved them).
    /// </summary>
    [Theory]
    [MemberData(nameof(PythonClients))]
    public async Task Auto_offset_reset_earliest_reads_existing_records_and_latest_only_new_ones(string client)
    {
        const int Partitions = 4;
        var topic = await CreateTopic(Clients, Bootstrap, $"reset-{client}", Partitions);
        var existing = await Produce(Clients, Bootstrap, topic, Partitions, 20, "existing"); // offsets 0..4 in each partition
        await using var group = new GroupScenario(Output, Bootstrap);
        var earliest = group.Start(client, "earliest", new MemberOptions(NewGroupName($"earliest-{client}"), topic) { AutoOffsetReset = "earliest", Commit = "none" });
        var latest = group.Start(client, "latest", new MemberOptions(NewGroupName($"latest-{client}"), topic) { AutoOffsetReset = "latest", Commit = "none" });

        await group.WaitUntil("the latest member knows its start position in all 4 partitions", () => latest.Positions is { Count: Partitions });
        Assert.True(latest.Positions!.All(p => p.Value == 5), $"latest: start positions {Show(latest.Positions!)}, expected the end (5) of every partition");
        await group.WaitUntil("the earliest member processed the 20 existing records", () => AllProcessed([earliest], Positions(existing)));

        var fresh = await Produce(Clients, Bootstrap, topic, Partitions, 8, "fresh"); // offsets 5..6
        await group.WaitUntil("both processed the 8 new records", () => AllProcessed([earliest], Positions(fresh)) && AllProcessed([latest], Positions(fresh)));
        await Task.WhenAll(earliest.StopAsync(), latest.StopAsync());

        SameValues([.. existing, .. fresh], [.. earliest.Records, .. latest.Records]);
        Assert.True(Positions(existing.Concat(fresh)).SetEquals(Positions(earliest.Records)) && earliest.RecordCount == 28,
            $"earliest processed {Ranges(earliest.Records.Select(r => (r.Partition, r.Offset)))} ({earliest.RecordCount} records), expected offsets 0..6 of each partition once");
        Assert.True(Positions(fresh).SetEquals(Positions(latest.Records)) && latest.RecordCount == 8,
            $"latest processed {Ranges(latest.Records.Select(r => (r.Partition, r.Offset)))} ({latest.RecordCount} records), expected only the new offsets 5..6 of each partition");
    }

    /// <summary>
    /// Requirement 7: with partition.assignment.strategy=cooperative-sticky (confluent-kafka; kafka-python 2.0.2 and
    /// KafkaJS 2.2.4 have no cooperative protocol), a second member joining takes 2 of the first member's 4
    /// partitions: the first member gets incremental revokes of exactly the partitions that move, never a revoke
    /// of everything, and keeps the other two throughout.
    /// </summary>
    [Fact]
    public async Task Cooperative_sticky_a_joining_member_takes_only_the_partitions_that_move()
    {
        const int Partitions = 4;
        var topic = await CreateTopic(Clients, Bootstrap, "cooperative", Partitions);
        var options = new MemberOptions(NewGroupName("cooperative"), topic) { Strategy = "cooperative-sticky" };
        await using var group = new GroupScenario(Output, Bootstrap);

        var first = group.Start(GroupClient.Confluent, "first", options);
        await group.WaitUntil("first holds all 4 partitions", () => GroupScenario.Split([first], Partitions, Partitions));
        var eventsBefore = first.Events.Count;
        var second = group.Start(GroupClient.Confluent, "second", options);
        await group.WaitUntil("first and second hold 2 partitions each", () => GroupScenario.Split([first, second], Partitions, 2, 2));
        Output.WriteLine(GroupScenario.Assignments([first, second]));

        var during = first.Events.Skip(eventsBefore).Where(e => e.Kind is "assigned" or "revoked" or "lost").ToList();
        Assert.True(during.All(e => e.Kind != "lost"), $"first lost partitions: {string.Join("; ", during)}");
        Assert.True(during.All(e => e.Json["incremental"]?.GetValue<bool>() == true), $"non-incremental rebalance callbacks: {string.Join("; ", during)}");
        var revoked = during.Where(e => e.Kind == "revoked").SelectMany(e => e.Partitions()).Order().ToList();
        Assert.True(revoked.SequenceEqual(second.Assignment), $"first revoked [{string.Join(',', revoked)}], but the partitions that moved are second's [{string.Join(',', second.Assignment)}]");
        var emptied = during.Where(e => e.Partitions("assignment").Count == 0).ToList();
        Assert.True(emptied.Count == 0, $"first was left with no partition during the rebalance (a full revoke): {string.Join("; ", emptied)}");
        Assert.True(first.Assignment.All(p => !revoked.Contains(p)), "first kept a partition it revoked");

        await Task.WhenAll(first.StopAsync(), second.StopAsync());
    }

    /// <summary>
    /// Requirement 9: kcat -G (librdkafka's balanced consumer) shares a group with a confluent-kafka member: once
    /// they hold 2 partitions each (kcat's assignment read from its "% Group ... rebalanced ... assigned:" lines),
    /// 40 new records are consumed exactly once between them, each by the member owning its partition.
    /// </summary>
    [Fact]
    public async Task Kcat_G_consumes_in_a_group_with_another_member_every_record_exactly_once()
    {
        const int Partitions = 4;
        var topic = await CreateTopic(Clients, Bootstrap, "kcat-group", Partitions);
        var options = new MemberOptions(NewGroupName("kcat"), topic) { Strategy = "range" };
        await using var group = new GroupScenario(Output, Bootstrap);

        var confluent = group.Start(GroupClient.Confluent, "confluent", options);
        await group.WaitUntil("the confluent member holds all 4 partitions", () => GroupScenario.Split([confluent], Partitions, Partitions));
        var kcat = group.Start(GroupClient.Kcat, "kcat", options);
        await group.WaitUntil("kcat and the confluent member hold 2 partitions each", () => GroupScenario.Split([confluent, kcat], Partitions, 2, 2));
        Output.WriteLine(GroupScenario.Assignments([confluent, kcat]));
        var owned = new Dictionary<GroupMember, IReadOnlyList<int>> { [confluent] = confluent.Assignment, [kcat] = kcat.Assignment };

        var produced = await Produce(Clients, Bootstrap, topic, Partitions, 40, "kcat-group");
        await group.WaitUntil("the 40 records consumed", () => AllProcessed([confluent, kcat], Positions(produced)));
        await kcat.StopAsync(); // SIGTERM: kcat closes its consumer (LeaveGroup)
        await confluent.StopAsync();

        var records = confluent.Records.Concat(kcat.Records).ToList();
        SameValues(produced, records);
        var twice = records.GroupBy(r => (r.Partition, r.Offset)).Where(g => g.Count() > 1).Select(g => $"{g.Key.Partition}/{g.Key.Offset}").ToList();
        Assert.True(twice.Count == 0, $"consumed more than once: {string.Join(", ", twice)}");
        foreach (var (member, partitions) in owned)
        {
            var foreign = member.Records.Where(r => !partitions.Contains(r.Partition)).ToList();
            Assert.True(foreign.Count == 0, $"{member.Name} owned [{string.Join(',', partitions)}] but consumed {Ranges(foreign.Select(r => (r.Partition, r.Offset)))}");
        }

        Assert.True(kcat.RecordCount == 20 && confluent.RecordCount == 20, $"kcat consumed {kcat.RecordCount}, the confluent member {confluent.RecordCount}; expected 20 each (2 partitions of 10)");
    }
}
