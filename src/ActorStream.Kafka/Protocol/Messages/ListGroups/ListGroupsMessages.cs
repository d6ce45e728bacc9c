using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.ListGroups;

/// <summary>ListGroups: the groups this broker coordinates, optionally filtered by state and type.</summary>
public static class ListGroupsMessages
{
    // Flexible from v3. Empty filters mean "no filter".
    public static readonly MessageSchema Request = Message("ListGroupsRequest", ApiKey.ListGroups, "0-5", flexible: "3+",
    [
        // v4+: e.g. only "Stable" or "Empty" groups.
        Field("StatesFilter", ArrayOf(Str), "4+"),
        // v5+: "classic" or "consumer" groups (KIP-848).
        Field("TypesFilter", ArrayOf(Str), "5+"),
    ]);

    public static readonly MessageSchema Response = Message("ListGroupsResponse", ApiKey.ListGroups, "0-5", flexible: "3+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Field("ErrorCode", I16, "0+"),
        Structs("Groups", "ListedGroup", "0+",
        [
            Field("GroupId", Str, "0+"),
            Field("ProtocolType", Str, "0+"),
            Field("GroupState", Str, "4+", ignorable: true),
            Field("GroupType", Str, "5+", ignorable: true),
        ]),
    ]);
}
