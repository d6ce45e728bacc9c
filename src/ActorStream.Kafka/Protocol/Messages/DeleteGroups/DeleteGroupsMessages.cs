using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.DeleteGroups;

/// <summary>DeleteGroups: remove empty consumer groups together with their committed offsets.</summary>
public static class DeleteGroupsMessages
{
    // Flexible only at v2.
    public static readonly MessageSchema Request = Message("DeleteGroupsRequest", ApiKey.DeleteGroups, "0-2", flexible: "2+",
    [
        Field("GroupsNames", ArrayOf(Str), "0+"),
    ]);

    public static readonly MessageSchema Response = Message("DeleteGroupsResponse", ApiKey.DeleteGroups, "0-2", flexible: "2+",
    [
        Field("ThrottleTimeMs", I32, "0+"),
        Structs("Results", "DeletableGroupResult", "0+",
        [
            Field("GroupId", Str, "0+"),
            Field("ErrorCode", I16, "0+"),
        ]),
    ]);
}
