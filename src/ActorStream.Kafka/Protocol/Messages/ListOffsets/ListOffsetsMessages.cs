using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.ListOffsets;

/// <summary>ListOffsets: resolve a timestamp (or earliest/latest marker) to an offset in each partition.</summary>
public static class ListOffsetsMessages
{
    // Flexible from v6. v7+ allows the max-timestamp marker, v8+ local-log-start, v9+ last-tiered offset,
    // v10+ a timeout for lookups that have to wait on tiered storage.
    public static readonly MessageSchema Request = Message("ListOffsetsRequest", ApiKey.ListOffsets, "0-10", flexible: "6+",
    [
        Field("ReplicaId", I32, "0+"),
        // v2+: read_committed clients get offsets bounded by the last stable offset.
        Field("IsolationLevel", I8, "2+"),
        Structs("Topics", "ListOffsetsTopic", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("Partitions", "ListOffsetsPartition", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("CurrentLeaderEpoch", I32, "4+", def: -1, ignorable: true),
                Field("Timestamp", I64, "0+"),
                // v0 only: the old API could return several offsets per partition.
                Field("MaxNumOffsets", I32, "0", def: 1),
            ]),
        ]),
        Field("TimeoutMs", I32, "10+", ignorable: true),
    ]);

    public static readonly MessageSchema Response = Message("ListOffsetsResponse", ApiKey.ListOffsets, "0-10", flexible: "6+",
    [
        Field("ThrottleTimeMs", I32, "2+", ignorable: true),
        Structs("Topics", "ListOffsetsTopicResponse", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("Partitions", "ListOffsetsPartitionResponse", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("ErrorCode", I16, "0+"),
                Field("OldStyleOffsets", ArrayOf(I64), "0"),
                // v1+: exactly one timestamp/offset pair per partition.
                Field("Timestamp", I64, "1+", def: -1),
                Field("Offset", I64, "1+", def: -1),
                Field("LeaderEpoch", I32, "4+", def: -1),
            ]),
        ]),
    ]);
}
