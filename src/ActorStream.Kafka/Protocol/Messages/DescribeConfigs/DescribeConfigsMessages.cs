using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.DescribeConfigs;

/// <summary>DescribeConfigs: read the effective configuration of topics and brokers.</summary>
public static class DescribeConfigsMessages
{
    // Flexible only at v4.
    public static readonly MessageSchema Request = Message("DescribeConfigsRequest", ApiKey.DescribeConfigs, "0-4", flexible: "4+",
    [
        Structs("Resources", "DescribeConfigsResource", "0+",
        [
            Field("ResourceType", I8, "0+"),
            Field("ResourceName", Str, "0+"),
            // Null asks for every key of the resource.
            Field("ConfigurationKeys", ArrayOf(Str), "0+", nullable: "0+"),
        ]),
        // v1+: include the overridden values (synonyms) behind each entry.
        Field("IncludeSynonyms", Bool, "1+", def: false),
        // v3+: include the documentation text of each key.
        Field("IncludeDocumentation", Bool, "3+", def: false),
    ]);

    public static readonly MessageSchema Response = Message("DescribeConfigsResponse", ApiKey.DescribeConfigs, "0-4", flexible: "4+",
    [
        Field("ThrottleTimeMs", I32, "0+"),
        Structs("Results", "DescribeConfigsResult", "0+",
        [
            Field("ErrorCode", I16, "0+"),
            Field("ErrorMessage", Str, "0+", nullable: "0+"),
            Field("ResourceType", I8, "0+"),
            Field("ResourceName", Str, "0+"),
            Structs("Configs", "DescribeConfigsResourceResult", "0+",
            [
                Field("Name", Str, "0+"),
                Field("Value", Str, "0+", nullable: "0+"),
                Field("ReadOnly", Bool, "0+"),
                // v0 had a yes/no default flag; v1+ reports the source of the value instead.
                Field("IsDefault", Bool, "0"),
                Field("ConfigSource", I8, "1+", def: -1, ignorable: true),
                Field("IsSensitive", Bool, "0+"),
                Structs("Synonyms", "DescribeConfigsSynonym", "1+",
                [
                    Field("Name", Str, "1+"),
                    Field("Value", Str, "1+", nullable: "0+"),
                    Field("Source", I8, "1+"),
                ], ignorable: true),
                Field("ConfigType", I8, "3+", def: 0, ignorable: true),
                Field("Documentation", Str, "3+", nullable: "0+", ignorable: true),
            ]),
        ]),
    ]);
}
