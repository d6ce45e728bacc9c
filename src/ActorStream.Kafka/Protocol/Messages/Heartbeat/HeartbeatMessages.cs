using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.Heartbeat;

/// <summary>Heartbeat: a classic group member proves it is alive and learns whether a rebalance is under way.</summary>
public static class HeartbeatMessages
{
    // Flexible only at v4.
    public static readonly MessageSchema Request = Message("HeartbeatRequest", ApiKey.Heartbeat, "0-4", flexible: "4+",
    [
        Field("GroupId", Str, "0+"),
        Field("GenerationId", I32, "0+"),
        Field("MemberId", Str, "0+"),
        // v3+: static members.
        Field("GroupInstanceId", Str, "3+", nullable: "3+", def: Null),
    ]);

    public static readonly MessageSchema Response = Message("HeartbeatResponse", ApiKey.Heartbeat, "0-4", flexible: "4+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Field("ErrorCode", I16, "0+"),
    ]);
}
