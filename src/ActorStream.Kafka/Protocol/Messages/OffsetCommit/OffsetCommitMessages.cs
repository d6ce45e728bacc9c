using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.OffsetCommit;

/// <summary>OffsetCommit: a consumer group stores how far it has read in each partition.</summary>
public static class OffsetCommitMessages
{
    // Flexible from v8. v0 commits without group membership checks; v1+ carries generation and member.
    public static readonly MessageSchema Request = Message("OffsetCommitRequest", ApiKey.OffsetCommit, "0-9", flexible: "8+",
    [
        Field("GroupId", Str, "0+"),
        // A classic-group generation, or (v9+) a consumer-group member epoch; -1 for simple consumers.
        Field("GenerationIdOrMemberEpoch", I32, "1+", def: -1, ignorable: true),
        Field("MemberId", Str, "1+", ignorable: true),
        Field("GroupInstanceId", Str, "7+", nullable: "7+", def: Null),
        // v2-v4 only: the client could ask for a retention; later the broker's setting rules.
        Field("RetentionTimeMs", I64, "2-4", def: -1, ignorable: true),
        Structs("Topics", "OffsetCommitRequestTopic", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("Partitions", "OffsetCommitRequestPartition", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("CommittedOffset", I64, "0+"),
                Field("CommittedLeaderEpoch", I32, "6+", def: -1, ignorable: true),
                // v1 only: a client-chosen commit timestamp.
                Field("CommitTimestamp", I64, "1", def: -1),
                Field("CommittedMetadata", Str, "0+", nullable: "0+"),
            ]),
        ]),
    ]);

    public static readonly MessageSchema Response = Message("OffsetCommitResponse", ApiKey.OffsetCommit, "0-9", flexible: "8+",
    [
        Field("ThrottleTimeMs", I32, "3+", ignorable: true),
        Structs("Topics", "OffsetCommitResponseTopic", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("Partitions", "OffsetCommitResponsePartition", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("ErrorCode", I16, "0+"),
            ]),
        ]),
    ]);
}
