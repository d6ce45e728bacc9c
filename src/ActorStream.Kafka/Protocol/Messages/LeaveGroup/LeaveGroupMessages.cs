using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.LeaveGroup;

/// <summary>LeaveGroup: members leave a classic group so it can rebalance without waiting for a session timeout.</summary>
public static class LeaveGroupMessages
{
    // Flexible from v4. Up to v2 one member leaves; v3+ a batch of members (used by admin tools for static members).
    public static readonly MessageSchema Request = Message("LeaveGroupRequest", ApiKey.LeaveGroup, "0-5", flexible: "4+",
    [
        Field("GroupId", Str, "0+"),
        Field("MemberId", Str, "0-2"),
        Structs("Members", "MemberIdentity", "3+",
        [
            Field("MemberId", Str, "3+"),
            Field("GroupInstanceId", Str, "3+", nullable: "3+", def: Null),
            Field("Reason", Str, "5+", nullable: "5+", def: Null, ignorable: true),
        ]),
    ]);

    public static readonly MessageSchema Response = Message("LeaveGroupResponse", ApiKey.LeaveGroup, "0-5", flexible: "4+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Field("ErrorCode", I16, "0+"),
        Structs("Members", "MemberResponse", "3+",
        [
            Field("MemberId", Str, "3+"),
            Field("GroupInstanceId", Str, "3+", nullable: "3+"),
            Field("ErrorCode", I16, "3+"),
        ]),
    ]);
}
