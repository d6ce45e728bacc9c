using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.Headers;

/// <summary>The headers in front of every request and response body; ApiCatalog picks their version per API version.</summary>
public static class HeaderMessages
{
    /// <summary>Request header: v0 (ControlledShutdown v0 only), v1 adds ClientId, v2 adds a tagged section.</summary>
    public static readonly MessageSchema RequestHeader = Header("RequestHeader", "0-2", flexible: "2+",
    [
        Field("RequestApiKey", I16, "0+"),
        Field("RequestApiVersion", I16, "0+"),
        Field("CorrelationId", I32, "0+"),
        // Always a classic int16-length string, even in v2: a broker must read it before it knows the client's versions.
        Field("ClientId", Str, "1+", nullable: "1+", ignorable: true, flexible: "none"),
    ]);

    /// <summary>Response header: v1 adds a tagged section (ApiVersions always answers with v0).</summary>
    public static readonly MessageSchema ResponseHeader = Header("ResponseHeader", "0-1", flexible: "1+",
    [
        Field("CorrelationId", I32, "0+"),
    ]);
}
