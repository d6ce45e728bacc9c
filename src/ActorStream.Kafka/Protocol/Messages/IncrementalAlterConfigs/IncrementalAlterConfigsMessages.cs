using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.IncrementalAlterConfigs;

/// <summary>IncrementalAlterConfigs: set, delete, append to or subtract from individual config keys.</summary>
public static class IncrementalAlterConfigsMessages
{
    // Flexible from v1.
    public static readonly MessageSchema Request = Message("IncrementalAlterConfigsRequest", ApiKey.IncrementalAlterConfigs, "0-1", flexible: "1+",
    [
        Structs("Resources", "AlterConfigsResource", "0+",
        [
            Field("ResourceType", I8, "0+"),
            Field("ResourceName", Str, "0+"),
            Structs("Configs", "AlterableConfig", "0+",
            [
                Field("Name", Str, "0+"),
                // 0 set, 1 delete, 2 append, 3 subtract.
                Field("ConfigOperation", I8, "0+"),
                Field("Value", Str, "0+", nullable: "0+"),
            ]),
        ]),
        Field("ValidateOnly", Bool, "0+"),
    ]);

    public static readonly MessageSchema Response = Message("IncrementalAlterConfigsResponse", ApiKey.IncrementalAlterConfigs, "0-1", flexible: "1+",
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
