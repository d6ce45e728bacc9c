using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.CreatePartitions;

/// <summary>CreatePartitions: admin clients grow an existing topic to a new partition count.</summary>
public static class CreatePartitionsMessages
{
    // Flexible from v2.
    public static readonly MessageSchema Request = Message("CreatePartitionsRequest", ApiKey.CreatePartitions, "0-3", flexible: "2+",
    [
        Structs("Topics", "CreatePartitionsTopic", "0+",
        [
            Field("Name", Str, "0+"),
            // The new total, not the number to add.
            Field("Count", I32, "0+"),
            // Null lets the broker place the new replicas.
            Structs("Assignments", "CreatePartitionsAssignment", "0+",
            [
                Field("BrokerIds", ArrayOf(I32), "0+"),
            ], nullable: "0+"),
        ]),
        Field("TimeoutMs", I32, "0+"),
        Field("ValidateOnly", Bool, "0+"),
    ]);

    public static readonly MessageSchema Response = Message("CreatePartitionsResponse", ApiKey.CreatePartitions, "0-3", flexible: "2+",
    [
        Field("ThrottleTimeMs", I32, "0+"),
        Structs("Results", "CreatePartitionsTopicResult", "0+",
        [
            Field("Name", Str, "0+"),
            Field("ErrorCode", I16, "0+"),
            Field("ErrorMessage", Str, "0+", nullable: "0+", def: Null),
        ]),
    ]);
}
