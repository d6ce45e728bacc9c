using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.OffsetFetch;

/// <summary>OffsetFetch: read a consumer group's committed offsets, e.g. when a consumer takes over a partition.</summary>
public static class OffsetFetchMessages
{
    // Flexible from v6. Up to v7 one group per request; v8+ batches several groups (KIP-709).
    public static readonly MessageSchema Request = Message("OffsetFetchRequest", ApiKey.OffsetFetch, "0-9", flexible: "6+",
    [
        Field("GroupId", Str, "0-7"),
        // v2+: a null topic list means "all topics of the group".
        Structs("Topics", "OffsetFetchRequestTopic", "0-7",
        [
            Field("Name", Str, "0-7"),
            Field("PartitionIndexes", ArrayOf(I32), "0-7"),
        ], nullable: "2-7"),
        Structs("Groups", "OffsetFetchRequestGroup", "8+",
        [
            Field("GroupId", Str, "8+"),
            // v9+: consumer-group (KIP-848) members identify themselves.
            Field("MemberId", Str, "9+", nullable: "9+", def: Null, ignorable: true),
            Field("MemberEpoch", I32, "9+", def: -1, ignorable: true),
            Structs("Topics", "OffsetFetchRequestTopics", "8+",
            [
                Field("Name", Str, "8+"),
                Field("PartitionIndexes", ArrayOf(I32), "8+"),
            ], nullable: "8+"),
        ]),
        // v7+: wait for pending transactional commits instead of returning stale offsets.
        Field("RequireStable", Bool, "7+", def: false),
    ]);

    public static readonly MessageSchema Response = Message("OffsetFetchResponse", ApiKey.OffsetFetch, "0-9", flexible: "6+",
    [
        Field("ThrottleTimeMs", I32, "3+", ignorable: true),
        Structs("Topics", "OffsetFetchResponseTopic", "0-7",
        [
            Field("Name", Str, "0-7"),
            Structs("Partitions", "OffsetFetchResponsePartition", "0-7",
            [
                Field("PartitionIndex", I32, "0-7"),
                Field("CommittedOffset", I64, "0-7"),
                Field("CommittedLeaderEpoch", I32, "5-7", def: -1, ignorable: true),
                Field("Metadata", Str, "0-7", nullable: "0-7"),
                Field("ErrorCode", I16, "0-7"),
            ]),
        ]),
        Field("ErrorCode", I16, "2-7", def: 0, ignorable: true),
        Structs("Groups", "OffsetFetchResponseGroup", "8+",
        [
            Field("GroupId", Str, "8+"),
            Structs("Topics", "OffsetFetchResponseTopics", "8+",
            [
                Field("Name", Str, "8+"),
                Structs("Partitions", "OffsetFetchResponsePartitions", "8+",
                [
                    Field("PartitionIndex", I32, "8+"),
                    Field("CommittedOffset", I64, "8+"),
                    Field("CommittedLeaderEpoch", I32, "8+", def: -1, ignorable: true),
                    Field("Metadata", Str, "8+", nullable: "8+"),
                    Field("ErrorCode", I16, "8+"),
                ]),
            ]),
            Field("ErrorCode", I16, "8+", def: 0),
        ]),
    ]);
}
