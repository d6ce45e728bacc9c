using System.Buffers.Binary;
using System.Text;
using ActorStream.Broker.Groups;

namespace ActorStream.Broker.Tests.Assignors;

public sealed class ServerAssignorsTests
{
    // ConsumerProtocolSubscription v0: int16 version, [int16 topic], int32 user data (-1: null).
    private static byte[] Subscription(params string[] topics)
    {
        var bytes = new List<byte>();
        void I16(short v) { var b = new byte[2]; BinaryPrimitives.WriteInt16BigEndian(b, v); bytes.AddRange(b); }
        void I32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); bytes.AddRange(b); }
        I16(0);
        I32(topics.Length);
        foreach (var t in topics)
        {
            I16((short)Encoding.UTF8.GetByteCount(t));
            bytes.AddRange(Encoding.UTF8.GetBytes(t));
        }

        I32(-1);
        return [.. bytes];
    }

    private static Dictionary<string, List<TopicPartition>> Assign(string protocol, (string Member, string[] Topics)[] members, Dictionary<string, int> counts, IReadOnlyDictionary<string, byte[]>? previous = null) =>
        ServerAssignors.Assign(protocol, [.. members.Select(m => (m.Member, Subscription(m.Topics)))], t => counts.TryGetValue(t, out var c) ? c : null, previous)
            .ToDictionary(a => a.Key, a => ConsumerProtocol.AssignedPartitions(a.Value));

    [Fact]
    public void Range_gives_each_member_consecutive_partitions_of_each_topic()
    {
        var result = Assign("range", [("a", ["t"]), ("b", ["t"])], new() { ["t"] = 5 });
        Assert.Equal([0, 1, 2], result["a"].Select(p => p.Partition));
        Assert.Equal([3, 4], result["b"].Select(p => p.Partition));
    }

    [Fact]
    public void Roundrobin_deals_partitions_of_all_topics_in_turn_to_subscribers_only()
    {
        var result = Assign("roundrobin", [("a", ["t", "u"]), ("b", ["t"])], new() { ["t"] = 2, ["u"] = 2 });
        Assert.Equal(4, result.Values.Sum(v => v.Count));
        Assert.DoesNotContain(result["b"], p => p.Topic == "u");
        Assert.Equal(2, result["a"].Count(p => p.Topic == "u"));
        Assert.Single(result["b"]);
    }

    [Fact]
    public void Sticky_keeps_previous_owners_and_moves_only_what_balance_needs()
    {
        var counts = new Dictionary<string, int> { ["t"] = 4 };
        var first = Assign("sticky", [("a", ["t"])], counts);
        Assert.Equal(4, first["a"].Count);

        var previous = new Dictionary<string, byte[]> { ["a"] = ConsumerProtocol.EncodeAssignment(first["a"]) };
        var second = Assign("sticky", [("a", ["t"]), ("b", ["t"])], counts, previous);
        Assert.Equal(2, second["a"].Count);
        Assert.Equal(2, second["b"].Count);
        Assert.All(second["a"], p => Assert.Contains(p, first["a"])); // a kept two of its own, gave two away
        Assert.Empty(second["a"].Intersect(second["b"]));
    }

    [Fact]
    public void Unknown_topics_are_left_unassigned_and_the_bytes_round_trip()
    {
        var result = Assign("range", [("a", ["ghost", "t"])], new() { ["t"] = 1 });
        Assert.Equal([new TopicPartition("t", 0)], result["a"]);
        var encoded = ConsumerProtocol.EncodeAssignment([new("x", 2), new("y", 0), new("x", 1)]);
        Assert.Equal([new TopicPartition("x", 1), new("x", 2), new("y", 0)], ConsumerProtocol.AssignedPartitions(encoded));
    }
}
