using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.JoinGroup;

/// <summary>JoinGroup: a member enters a classic consumer group rebalance and offers its assignment protocols.</summary>
public static class JoinGroupMessages
{
    // Flexible from v6. v4+ members first get MEMBER_ID_REQUIRED and rejoin with the id we assigned.
    public static readonly MessageSchema Request = Message("JoinGroupRequest", ApiKey.JoinGroup, "0-9", flexible: "6+",
    [
        Field("GroupId", Str, "0+"),
        Field("SessionTimeoutMs", I32, "0+"),
        // v1+: separate bound for the rebalance; v0 used the session timeout for both.
        Field("RebalanceTimeoutMs", I32, "1+", def: -1, ignorable: true),
        Field("MemberId", Str, "0+"),
        // v5+: static membership (KIP-345).
        Field("GroupInstanceId", Str, "5+", nullable: "5+", def: Null),
        Field("ProtocolType", Str, "0+"),
        Structs("Protocols", "JoinGroupRequestProtocol", "0+",
        [
            Field("Name", Str, "0+"),
            Field("Metadata", Bytes, "0+"),
        ]),
        Field("Reason", Str, "8+", nullable: "8+", def: Null, ignorable: true),
    ]);

    public static readonly MessageSchema Response = Message("JoinGroupResponse", ApiKey.JoinGroup, "0-9", flexible: "6+",
    [
        Field("ThrottleTimeMs", I32, "2+", ignorable: true),
        Field("ErrorCode", I16, "0+"),
        Field("GenerationId", I32, "0+", def: -1),
        Field("ProtocolType", Str, "7+", nullable: "7+", def: Null, ignorable: true),
        Field("ProtocolName", Str, "0+", nullable: "7+"),
        Field("Leader", Str, "0+"),
        // v9+: the leader need not compute an assignment (server-side assignor).
        Field("SkipAssignment", Bool, "9+", def: false),
        Field("MemberId", Str, "0+"),
        // Only the leader receives the member list.
        Structs("Members", "JoinGroupResponseMember", "0+",
        [
            Field("MemberId", Str, "0+"),
            Field("GroupInstanceId", Str, "5+", nullable: "5+", def: Null, ignorable: true),
            Field("Metadata", Bytes, "0+"),
        ]),
    ]);
}
