using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.DeleteTopics;

/// <summary>DeleteTopics: admin clients remove topics, by name or (v6+) by topic id.</summary>
public static class DeleteTopicsMessages
{
    // Flexible from v4.
    public static readonly MessageSchema Request = Message("DeleteTopicsRequest", ApiKey.DeleteTopics, "0-6", flexible: "4+",
    [
        // v6+: each entry names a topic or gives its id (name null).
        Structs("Topics", "DeleteTopicState", "6+",
        [
            Field("Name", Str, "6+", nullable: "6+", def: Null),
            Field("TopicId", Uuid, "6+"),
        ]),
        // Up to v5: a plain list of names.
        Field("TopicNames", ArrayOf(Str), "0-5", ignorable: true),
        Field("TimeoutMs", I32, "0+"),
    ]);

    public static readonly MessageSchema Response = Message("DeleteTopicsResponse", ApiKey.DeleteTopics, "0-6", flexible: "4+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Structs("Responses", "DeletableTopicResult", "0+",
        [
            Field("Name", Str, "0+", nullable: "6+"),
            Field("TopicId", Uuid, "6+", ignorable: true),
            Field("ErrorCode", I16, "0+"),
            Field("ErrorMessage", Str, "5+", nullable: "5+", def: Null, ignorable: true),
        ]),
    ]);
}
