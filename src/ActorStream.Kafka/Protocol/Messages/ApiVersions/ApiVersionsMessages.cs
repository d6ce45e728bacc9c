using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.ApiVersions;

/// <summary>ApiVersions: the first thing a client asks, to learn which API versions this broker speaks.</summary>
public static class ApiVersionsMessages
{
    // v3 is the first flexible version; its response header nevertheless stays v0 (see ApiCatalog).
    public static readonly MessageSchema Request = Message("ApiVersionsRequest", ApiKey.ApiVersions, "0-4", flexible: "3+",
    [
        // v3+: clients identify their software (KIP-511), shown in broker metrics.
        Field("ClientSoftwareName", Str, "3+", ignorable: true),
        Field("ClientSoftwareVersion", Str, "3+", ignorable: true),
    ]);

    public static readonly MessageSchema Response = Message("ApiVersionsResponse", ApiKey.ApiVersions, "0-4", flexible: "3+",
    [
        Field("ErrorCode", I16, "0+"),
        Structs("ApiKeys", "ApiVersion", "0+",
        [
            Field("ApiKey", I16, "0+"),
            Field("MinVersion", I16, "0+"),
            Field("MaxVersion", I16, "0+"),
        ]),
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),

        // v3+: feature flags, all tagged so older flexible clients can skip them.
        Structs("SupportedFeatures", "SupportedFeatureKey", "3+",
        [
            Field("Name", Str, "3+"),
            Field("MinVersion", I16, "3+"),
            Field("MaxVersion", I16, "3+"),
        ], ignorable: true, tag: 0, tagged: "3+"),
        Field("FinalizedFeaturesEpoch", I64, "3+", def: -1, ignorable: true, tag: 1, tagged: "3+"),
        Structs("FinalizedFeatures", "FinalizedFeatureKey", "3+",
        [
            Field("Name", Str, "3+"),
            Field("MaxVersionLevel", I16, "3+"),
            Field("MinVersionLevel", I16, "3+"),
        ], ignorable: true, tag: 2, tagged: "3+"),
        Field("ZkMigrationReady", Bool, "3+", def: false, ignorable: true, tag: 3, tagged: "3+"),
    ]);
}
