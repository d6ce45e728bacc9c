using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.FindCoordinator;

/// <summary>FindCoordinator: which broker coordinates a consumer group or a transactional id.</summary>
public static class FindCoordinatorMessages
{
    // Flexible from v3. v4+ batches several keys per request, so the single-key fields stop at v3.
    public static readonly MessageSchema Request = Message("FindCoordinatorRequest", ApiKey.FindCoordinator, "0-6", flexible: "3+",
    [
        Field("Key", Str, "0-3"),
        // v1+: 0 = group, 1 = transaction (v6+ adds 2 = share group).
        Field("KeyType", I8, "1+", def: 0),
        Field("CoordinatorKeys", ArrayOf(Str), "4+"),
    ]);

    public static readonly MessageSchema Response = Message("FindCoordinatorResponse", ApiKey.FindCoordinator, "0-6", flexible: "3+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Field("ErrorCode", I16, "0-3"),
        Field("ErrorMessage", Str, "1-3", nullable: "1-3", ignorable: true),
        Field("NodeId", I32, "0-3"),
        Field("Host", Str, "0-3"),
        Field("Port", I32, "0-3"),
        // v4+: one answer per requested key.
        Structs("Coordinators", "Coordinator", "4+",
        [
            Field("Key", Str, "4+"),
            Field("NodeId", I32, "4+"),
            Field("Host", Str, "4+"),
            Field("Port", I32, "4+"),
            Field("ErrorCode", I16, "4+"),
            Field("ErrorMessage", Str, "4+", nullable: "4+", ignorable: true),
        ]),
    ]);
}
