using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.InitProducerId;

/// <summary>InitProducerId: hand an idempotent or transactional producer its producer id and epoch.</summary>
public static class InitProducerIdMessages
{
    // Flexible from v2.
    public static readonly MessageSchema Request = Message("InitProducerIdRequest", ApiKey.InitProducerId, "0-5", flexible: "2+",
    [
        // Null for a purely idempotent producer.
        Field("TransactionalId", Str, "0+", nullable: "0+"),
        Field("TransactionTimeoutMs", I32, "0+"),
        // v3+: a producer may present its current id/epoch to bump the epoch instead of starting over (KIP-360).
        Field("ProducerId", I64, "3+", def: -1),
        Field("ProducerEpoch", I16, "3+", def: -1),
    ]);

    public static readonly MessageSchema Response = Message("InitProducerIdResponse", ApiKey.InitProducerId, "0-5", flexible: "2+",
    [
        Field("ThrottleTimeMs", I32, "0+", ignorable: true),
        Field("ErrorCode", I16, "0+"),
        Field("ProducerId", I64, "0+", def: -1),
        Field("ProducerEpoch", I16, "0+"),
    ]);
}
