using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.DescribeGroups;

/// <summary>DescribeGroups: state, protocol and members of classic consumer groups.</summary>
public static class DescribeGroupsMessages
{
    // Flexible only at v5.
    public static readonly MessageSchema Request = Message("DescribeGroupsRequest", ApiKey.DescribeGroups, "0-5", flexible: "5+",
    [
        Field("Groups", ArrayOf(Str), "0+"),
        // v3+: also report what the caller may do with each group.
        Field("IncludeAuthorizedOperations", Bool, "3+"),
    ]);

    public static readonly MessageSchema Response = Message("DescribeGroupsResponse", ApiKey.DescribeGroups, "0-5", flexible: "5+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Structs("Groups", "DescribedGroup", "0+",
        [
            Field("ErrorCode", I16, "0+"),
            Field("GroupId", Str, "0+"),
            Field("GroupState", Str, "0+"),
            Field("ProtocolType", Str, "0+"),
            // The chosen assignor, e.g. "range".
            Field("ProtocolData", Str, "0+"),
            Structs("Members", "DescribedGroupMember", "0+",
            [
                Field("MemberId", Str, "0+"),
                Field("GroupInstanceId", Str, "4+", nullable: "4+", def: Null, ignorable: true),
                Field("ClientId", Str, "0+"),
                Field("ClientHost", Str, "0+"),
                Field("MemberMetadata", Bytes, "0+"),
                Field("MemberAssignment", Bytes, "0+"),
            ]),
            Field("AuthorizedOperations", I32, "3+", def: int.MinValue),
        ]),
    ]);
}
