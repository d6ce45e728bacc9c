using System.Globalization;
using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>A record the test produced, where the broker put it.</summary>
public sealed record Placed(int Partition, long Offset, string Key, string Value);

/// <summary>Steps and checks shared by the consumer-group tests (topics, producing, group admin, record sets).</summary>
public static class GroupSteps
{
    /// <summary>A group id no other test uses.</summary>
    public static string NewGroupName(string purpose) => $"compat-group-{purpose}-{Guid.NewGuid():N}";

    public static async Task<string> CreateTopic(Clients clients, string bootstrap, string purpose, int partitions)
    {
        var topic = $"compat-{purpose}-{Guid.NewGuid():N}";
        await clients.Confluent("create-topic", bootstrap, new { Topic = topic, Partitions = partitions });
        return topic;
    }

    /// <summary>
    /// Produces <paramref name="count"/> records with confluent-kafka (acks=all), record i to partition i % partitions,
    /// keys and values named after <paramref name="tag"/>; returns where each one landed.
    /// </summary>
    public static async Task<List<Placed>> Produce(Clients clients, string bootstrap, string topic, int partitions, int count, string tag)
    {
        var records = Expect.Spread(count, partitions, i => new ProducedRecord($"{tag}-k{i}", $"{tag}-v{i}"));
        var acks = Ack.ListFrom(await clients.Confluent("produce", bootstrap, new { Topic = topic, Records = records }));
        Assert.Equal(count, acks.Count);
        return [.. acks.Select(a => new Placed(a.Partition, a.Offset, records[a.Index].Key!, records[a.Index].Value!))];
    }

    /// <summary>The (partition, offset) pairs of records.</summary>
    public static HashSet<(int, long)> Positions(IEnumerable<Placed> records) => [.. records.Select(r => (r.Partition, r.Offset))];

    public static HashSet<(int, long)> Positions(IEnumerable<MemberRecord> records) => [.. records.Select(r => (r.Partition, r.Offset))];

    /// <summary>Whether the members together processed every one of <paramref name="expected"/>.</summary>
    public static bool AllProcessed(IEnumerable<GroupMember> members, HashSet<(int, long)> expected)
    {
        var seen = Positions(members.SelectMany(m => m.Records));
        return expected.IsSubsetOf(seen);
    }

    /// <summary>Each consumed record has the value produced at its partition and offset (nothing foreign consumed).</summary>
    public static void SameValues(IEnumerable<Placed> produced, IEnumerable<MemberRecord> consumed)
    {
        var at = produced.ToDictionary(r => (r.Partition, r.Offset), r => r.Value);
        foreach (var r in consumed)
        {
            Assert.True(at.TryGetValue((r.Partition, r.Offset), out var value), $"{r.Member} consumed {r.Partition}/{r.Offset} ('{r.Value}'), which the test never produced");
            Assert.True(value == r.Value, $"{r.Member} consumed '{r.Value}' at {r.Partition}/{r.Offset}, produced '{value}'");
        }
    }

    /// <summary>"p0: 3..9, p1: 0..9": a record set, compactly, for messages.</summary>
    public static string Ranges(IEnumerable<(int Partition, long Offset)> positions) =>
        string.Join(", ", positions.GroupBy(p => p.Partition).OrderBy(g => g.Key).Select(g =>
        {
            var offsets = g.Select(p => p.Offset).Order().ToList();
            var runs = new List<string>();
            for (var i = 0; i < offsets.Count;)
            {
                var j = i;
                while (j + 1 < offsets.Count && offsets[j + 1] == offsets[j] + 1)
                    j++;
                runs.Add(i == j ? Invariant(offsets[i]) : $"{Invariant(offsets[i])}..{Invariant(offsets[j])}");
                i = j + 1;
            }

            return $"p{g.Key}: {string.Join(',', runs)}";
        }));

    /// <summary>
    /// group_admin.py describe (confluent / kafka-python) or kafkajs_group_admin.js describe: ListGroups,
    /// DescribeGroups and OffsetFetch of one group, in one result shape.
    /// </summary>
    public static Task<JsonObject> DescribeGroup(Clients clients, string client, string bootstrap, string group, string topic, int partitions) => client switch
    {
        GroupClient.KafkaJs => clients.Script("node", "kafkajs_group_admin.js", "describe", bootstrap, new { Group = group, Topic = topic }, null),
        _ => clients.Script(Clients.SystemPython, "group_admin.py", "describe", bootstrap, new { Client = client, Group = group, Topic = topic, Partitions = partitions }, null),
    };

    /// <summary>DeleteGroups through KafkaJS or kafka-python (confluent-kafka 1.7 has no DeleteGroups API): group -> error or null.</summary>
    public static async Task<Dictionary<string, string?>> DeleteGroups(Clients clients, string client, string bootstrap, params string[] groups)
    {
        var result = client == GroupClient.KafkaJs
            ? await clients.Script("node", "kafkajs_group_admin.js", "delete", bootstrap, new { Groups = groups }, null)
            : await clients.Script(Clients.SystemPython, "group_admin.py", "delete", bootstrap, new { Client = GroupClient.KafkaPython, Groups = groups }, null);
        return result["results"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>());
    }

    /// <summary>The committed offsets in a describe result: partition -> offset.</summary>
    public static Dictionary<int, long> Offsets(JsonObject described) =>
        (described["offsets"] as JsonObject ?? []).ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value!.GetValue<long>());

    public static string Show(IReadOnlyDictionary<int, long> offsets) =>
        "{" + string.Join(", ", offsets.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {Invariant(kv.Value)}")) + "}";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
