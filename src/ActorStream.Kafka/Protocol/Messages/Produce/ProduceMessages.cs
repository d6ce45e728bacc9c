using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.Produce;

/// <summary>Produce: a client appends record batches to partition logs.</summary>
public static class ProduceMessages
{
    // Flexible from v9. The records stay opaque here; ProduceRequestReader hands them to the log as slices.
    public static readonly MessageSchema Request = Message("ProduceRequest", ApiKey.Produce, "0-11", flexible: "9+",
    [
        // v3+: transactional producers name their transaction (null otherwise).
        Field("TransactionalId", Str, "3+", nullable: "3+", def: Null),
        Field("Acks", I16, "0+"),
        Field("TimeoutMs", I32, "0+"),
        Structs("TopicData", "TopicProduceData", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("PartitionData", "PartitionProduceData", "0+",
            [
                Field("Index", I32, "0+"),
                Field("Records", RecordSet, "0+", nullable: "0+"),
            ]),
        ]),
    ]);

    public static readonly MessageSchema Response = Message("ProduceResponse", ApiKey.Produce, "0-11", flexible: "9+",
    [
        Structs("Responses", "TopicProduceResponse", "0+",
        [
            Field("Name", Str, "0+"),
            Structs("PartitionResponses", "PartitionProduceResponse", "0+",
            [
                Field("Index", I32, "0+"),
                Field("ErrorCode", I16, "0+"),
                Field("BaseOffset", I64, "0+"),
                // v2+: set when the topic uses LogAppendTime, else -1.
                Field("LogAppendTimeMs", I64, "2+", def: -1, ignorable: true),
                Field("LogStartOffset", I64, "5+", def: -1, ignorable: true),
                // v8+: which batches were rejected and why.
                Structs("RecordErrors", "BatchIndexAndErrorMessage", "8+",
                [
                    Field("BatchIndex", I32, "8+"),
                    Field("BatchIndexErrorMessage", Str, "8+", nullable: "8+", def: Null),
                ], ignorable: true),
                Field("ErrorMessage", Str, "8+", nullable: "8+", def: Null, ignorable: true),
                // v10+ (KIP-951): on NOT_LEADER we tell the client who leads now.
                Struct("CurrentLeader", "LeaderIdAndEpoch", "10+",
                [
                    Field("LeaderId", I32, "10+", def: -1),
                    Field("LeaderEpoch", I32, "10+", def: -1),
                ], tag: 0, tagged: "10+"),
            ]),
        ]),
        Field("ThrottleTimeMs", I32, "1+", def: 0, ignorable: true),
        // v10+: endpoints of the leaders named in CurrentLeader.
        Structs("NodeEndpoints", "NodeEndpoint", "10+",
        [
            Field("NodeId", I32, "10+"),
            Field("Host", Str, "10+"),
            Field("Port", I32, "10+"),
            Field("Rack", Str, "10+", nullable: "10+", def: Null),
        ], tag: 0, tagged: "10+"),
    ]);
}
