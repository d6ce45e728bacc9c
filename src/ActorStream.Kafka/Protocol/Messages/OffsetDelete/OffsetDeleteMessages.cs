using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.OffsetDelete;

/// <summary>OffsetDelete: drop a group's committed offsets for partitions it no longer consumes.</summary>
public static class OffsetDeleteMessages
{
    // A single version, never flexible.
    public static readonly MessageSchema Request = Message("OffsetDeleteRequest", ApiKey.OffsetDelete, "0", flexible: "none",
    [
        Field("GroupId", Str, "0+"),
        Structs("Topics", "OffsetDeleteRequestTopic", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("Partitions", "OffsetDeleteRequestPartition", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
            ]),
        ]),
    ]);

    public static readonly MessageSchema Response = Message("OffsetDeleteResponse", ApiKey.OffsetDelete, "0", flexible: "none",
    [
        // Group-level failure (e.g. the group is still subscribed to a topic) comes first here.
        Field("ErrorCode", I16, "0+"),
        Field("ThrottleTimeMs", I32, "0+", ignorable: true),
        Structs("Topics", "OffsetDeleteResponseTopic", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("Partitions", "OffsetDeleteResponsePartition", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("ErrorCode", I16, "0+"),
            ]),
        ]),
    ]);
}
