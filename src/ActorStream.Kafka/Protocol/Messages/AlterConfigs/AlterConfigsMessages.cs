using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.AlterConfigs;

/// <summary>AlterConfigs: replace the whole set of config overrides of a resource (legacy, non-incremental).</summary>
public static class AlterConfigsMessages
{
    // Flexible only at v2.
    public static readonly MessageSchema Request = Message("AlterConfigsRequest", ApiKey.AlterConfigs, "0-2", flexible: "2+",
    [
        Structs("Resources", "AlterConfigsResource", "0+",
        [
            Field("ResourceType", I8, "0+"),
            Field("ResourceName", Str, "0+"),
            Structs("Configs", "AlterableConfig", "0+",
            [
                Field("Name", Str, "0+"),
                Field("Value", Str, "0+", nullable: "0+"),
            ]),
        ]),
        Field("ValidateOnly", Bool, "0+"),
    ]);

    public static readonly MessageSchema Response = Message("AlterConfigsResponse", ApiKey.AlterConfigs, "0-2", flexible: "2+",
    [
        Field("ThrottleTimeMs", I32, "0+"),
        Structs("Responses", "AlterConfigsResourceResponse", "0+",
        [
            Field("ErrorCode", I16, "0+"),
            Field("ErrorMessage", Str, "0+", nullable: "0+"),
            Field("ResourceType", I8, "0+"),
            Field("ResourceName", Str, "0+"),
        ]),
    ]);
}
