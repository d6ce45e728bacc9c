using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.SyncGroup;

/// <summary>SyncGroup: the leader hands in the assignment and every member collects its own share.</summary>
public static class SyncGroupMessages
{
    // Flexible from v4.
    public static readonly MessageSchema Request = Message("SyncGroupRequest", ApiKey.SyncGroup, "0-5", flexible: "4+",
    [
        Field("GroupId", Str, "0+"),
        Field("GenerationId", I32, "0+"),
        Field("MemberId", Str, "0+"),
        Field("GroupInstanceId", Str, "3+", nullable: "3+", def: Null),
        // v5+: lets us check the member agrees with the group's protocol.
        Field("ProtocolType", Str, "5+", nullable: "5+", def: Null, ignorable: true),
        Field("ProtocolName", Str, "5+", nullable: "5+", def: Null, ignorable: true),
        // Filled by the leader only.
        Structs("Assignments", "SyncGroupRequestAssignment", "0+",
        [
            Field("MemberId", Str, "0+"),
            Field("Assignment", Bytes, "0+"),
        ]),
    ]);

    public static readonly MessageSchema Response = Message("SyncGroupResponse", ApiKey.SyncGroup, "0-5", flexible: "4+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Field("ErrorCode", I16, "0+"),
        Field("ProtocolType", Str, "5+", nullable: "5+", def: Null, ignorable: true),
        Field("ProtocolName", Str, "5+", nullable: "5+", def: Null, ignorable: true),
        Field("Assignment", Bytes, "0+"),
    ]);
}
