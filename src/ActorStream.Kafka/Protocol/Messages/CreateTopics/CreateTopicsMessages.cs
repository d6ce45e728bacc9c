using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.CreateTopics;

/// <summary>CreateTopics: admin clients create topics, optionally with explicit replica placement and configs.</summary>
public static class CreateTopicsMessages
{
    // Flexible from v5.
    public static readonly MessageSchema Request = Message("CreateTopicsRequest", ApiKey.CreateTopics, "0-7", flexible: "5+",
    [
        Structs("Topics", "CreatableTopic", "0+",
        [
            Field("Name", Str, "0+"),
            // -1 for either means "use the broker default" (v4+); with Assignments both must be -1.
            Field("NumPartitions", I32, "0+"),
            Field("ReplicationFactor", I16, "0+"),
            Structs("Assignments", "CreatableReplicaAssignment", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("BrokerIds", ArrayOf(I32), "0+"),
            ]),
            Structs("Configs", "CreatableTopicConfig", "0+",
            [
                Field("Name", Str, "0+"),
                Field("Value", Str, "0+", nullable: "0+"),
            ]),
        ]),
        Field("TimeoutMs", I32, "0+", def: 60000),
        // v1+: dry run, validate but create nothing.
        Field("ValidateOnly", Bool, "1+", def: false),
    ]);

    public static readonly MessageSchema Response = Message("CreateTopicsResponse", ApiKey.CreateTopics, "0-7", flexible: "5+",
    [
        Field("ThrottleTimeMs", I32, "2+", ignorable: true),
        Structs("Topics", "CreatableTopicResult", "0+",
        [
            Field("Name", Str, "0+"),
            Field("TopicId", Uuid, "7+", ignorable: true),
            Field("ErrorCode", I16, "0+"),
            Field("ErrorMessage", Str, "1+", nullable: "0+", ignorable: true),
            // v5+: we echo back what was actually created, so clients need not describe the topic afterwards.
            Field("TopicConfigErrorCode", I16, "5+", ignorable: true, tag: 0, tagged: "5+"),
            Field("NumPartitions", I32, "5+", def: -1, ignorable: true),
            Field("ReplicationFactor", I16, "5+", def: -1, ignorable: true),
            Structs("Configs", "CreatableTopicConfigs", "5+",
            [
                Field("Name", Str, "5+"),
                Field("Value", Str, "5+", nullable: "5+"),
                Field("ReadOnly", Bool, "5+"),
                Field("ConfigSource", I8, "5+", def: -1, ignorable: true),
                Field("IsSensitive", Bool, "5+"),
            ], nullable: "5+", ignorable: true),
        ]),
    ]);
}
