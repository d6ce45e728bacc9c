using System.Text;
using ActorStream.Broker.Groups;

namespace ActorStream.Broker.Tests.Groups;

/// <summary>The pure parts: which offsets partition holds a group, the group records, the consumer-protocol subscription.</summary>
public sealed class GroupRecordsTests
{
    /// <summary>Java's String.hashCode by its definition, s[0]*31^(n-1) + s[1]*31^(n-2) + ... + s[n-1], in wrapping int arithmetic.</summary>
    private static int JavaHashCodeByDefinition(string s)
    {
        int n = s.Length;
        int hash = 0;
        for (int i = 0; i < n; i++)
        {
            int power = 1;
            for (int k = 0; k < n - 1 - i; k++)
                power = unchecked(power * 31);
            hash = unchecked(hash + (s[i] * power));
        }

        return hash;
    }

    /// <summary>Kafka's partitionFor: Utils.abs(groupId.hashCode) % partitions, where Utils.abs(Integer.MIN_VALUE) is 0.</summary>
    private static int KafkaPartitionFor(string groupId, int partitions)
    {
        int hash = JavaHashCodeByDefinition(groupId);
        return (hash == int.MinValue ? 0 : Math.Abs(hash)) % partitions;
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("a", 97, 47)]
    [InlineData("hello", 99162322, 22)]
    [InlineData("test-group", 627841412, 12)]
    [InlineData("console-consumer-12345", 158455506, 6)]
    [InlineData("my-group", -1906497762, 12)] // negative hash: abs first
    [InlineData("zzzzzzzzzz", -1580979136, 36)]
    [InlineData("groupé", -1237460406, 6)] // a non-ASCII UTF-16 code unit
    [InlineData("polygenelubricants", int.MinValue, 0)] // Math.abs would stay negative; Kafka's Utils.abs gives 0
    [InlineData("GydZG_", int.MinValue, 0)]
    public void The_offsets_partition_is_Kafkas_abs_of_Javas_hash_code_modulo_50(string groupId, int javaHashCode, int partition)
    {
        Assert.Equal(javaHashCode, JavaHashCodeByDefinition(groupId));
        Assert.Equal(javaHashCode, GroupPartitioner.JavaStringHashCode(groupId));
        Assert.Equal(partition, KafkaPartitionFor(groupId, 50));
        Assert.Equal(partition, GroupPartitioner.PartitionFor(groupId, 50));
        Assert.InRange(GroupPartitioner.PartitionFor(groupId, 7), 0, 6);
        Assert.Equal(KafkaPartitionFor(groupId, 7), GroupPartitioner.PartitionFor(groupId, 7));
    }

    [Fact]
    public void Applying_records_in_log_order_keeps_the_latest_of_each_key_and_tombstones_delete()
    {
        var groups = new Dictionary<string, LoadedGroup>(StringComparer.Ordinal);
        var orders0 = new TopicPartition("orders", 0);
        var orders1 = new TopicPartition("orders", 1);
        var member = new StoredMember("m-1", "instance-1", "client", "/host", 10_000, 30_000, [1, 2], [3, 4]);
        var generation1 = new StoredGroup("consumer", 1, "range", "m-1", 1000, [member]);
        var generation2 = new StoredGroup("consumer", 2, null, null, 2000, []);

        void Apply(byte[] key, byte[]? value) => GroupRecords.Apply(groups, key, value ?? [], value is null);

        Apply(GroupRecords.OffsetKey("g", orders0), GroupRecords.Value(new StoredOffset(1, 0, "m", 100)));
        Apply(GroupRecords.OffsetKey("g", orders1), GroupRecords.Value(new StoredOffset(5, 0, null, 100)));
        Apply(GroupRecords.OffsetKey("g", orders0), GroupRecords.Value(new StoredOffset(2, 1, null, 200)));
        Apply(GroupRecords.GroupKey("g"), GroupRecords.Value(generation1));
        Apply(GroupRecords.OffsetKey("other", orders0), GroupRecords.Value(new StoredOffset(9, 0, null, 100)));

        var g = groups["g"];
        Assert.Equal("g", g.GroupId);
        Assert.Equal(new StoredOffset(2, 1, null, 200), g.Offsets[orders0]);
        Assert.Equal(new StoredOffset(5, 0, null, 100), g.Offsets[orders1]);
        var stored = g.Metadata!;
        Assert.Equal((1, "range", "m-1", 1000L), (stored.GenerationId, stored.Protocol, stored.Leader, stored.StateTimestamp));
        var storedMember = Assert.Single(stored.Members);
        Assert.Equal(member with { Subscription = storedMember.Subscription, Assignment = storedMember.Assignment }, storedMember);
        Assert.Equal(member.Subscription, storedMember.Subscription);
        Assert.Equal(member.Assignment, storedMember.Assignment);
        Assert.Equal(9, groups["other"].Offsets[orders0].Offset);

        Apply(GroupRecords.GroupKey("g"), GroupRecords.Value(generation2));
        Assert.Equal(2, groups["g"].Metadata!.GenerationId);
        Apply(GroupRecords.OffsetKey("g", orders1), null);
        Assert.False(groups["g"].Offsets.ContainsKey(orders1));
        Apply(GroupRecords.GroupKey("g"), null);
        Assert.Null(groups["g"].Metadata);

        // Without offsets or membership the group is gone; a tombstone for an unknown group changes nothing.
        Apply(GroupRecords.OffsetKey("g", orders0), null);
        Assert.False(groups.ContainsKey("g"));
        Apply(GroupRecords.GroupKey("never-seen"), null);
        Assert.Equal(["other"], groups.Keys);
    }

    [Fact]
    public void Offset_and_group_keys_of_different_groups_and_partitions_differ()
    {
        var keys = new[]
        {
            GroupRecords.OffsetKey("g", new TopicPartition("t", 0)),
            GroupRecords.OffsetKey("g", new TopicPartition("t", 1)),
            GroupRecords.OffsetKey("h", new TopicPartition("t", 0)),
            GroupRecords.GroupKey("g"),
            GroupRecords.GroupKey("h"),
        };

        Assert.Equal(keys.Length, keys.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(GroupRecords.GroupKey("g"), GroupRecords.GroupKey("g"));
    }

    [Fact]
    public void The_subscribed_topics_are_read_from_a_consumer_protocol_subscription()
    {
        // version 1, two topics, then fields of later versions (user data, owned partitions) that are skipped.
        byte[] subscription =
        [
            0, 1, 0, 0, 0, 2,
            0, 6, .. Encoding.UTF8.GetBytes("orders"),
            0, 8, .. Encoding.UTF8.GetBytes("payments"),
            0xFF, 0xFF, 0xFF, 0xFF,
            0, 0, 0, 0,
        ];

        Assert.Equal(["orders", "payments"], ConsumerProtocol.SubscribedTopics(subscription));
        Assert.Empty(ConsumerProtocol.SubscribedTopics([]));
        Assert.Empty(ConsumerProtocol.SubscribedTopics([0, 0, 0]));
        // A truncated topic name ends the list rather than reading past the end.
        Assert.Equal(["orders"], ConsumerProtocol.SubscribedTopics(subscription.AsSpan(0, 6 + 8 + 5)));
    }
}
