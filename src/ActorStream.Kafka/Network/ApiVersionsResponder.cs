using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.ApiVersions;

namespace ActorStream.Kafka.Network;

/// <summary>Answers ApiVersions from <see cref="ApiCatalog"/>: what this broker speaks, per API its min and max version.</summary>
public static class ApiVersionsResponder
{
    /// <summary>Kafka's UNSUPPORTED_VERSION error code.</summary>
    public const short UnsupportedVersion = 35;

    private static readonly Protocol.Schema.StructSchema Body = ApiVersionsMessages.Response.Body;
    private static readonly int ErrorCodeField = Body.IndexOf("ErrorCode");
    private static readonly int ApiKeysField = Body.IndexOf("ApiKeys");
    private static readonly int ThrottleField = Body.IndexOf("ThrottleTimeMs");
    private static readonly Protocol.Schema.StructSchema ApiSchema = Body["ApiKeys"].Struct!;
    private static readonly int ApiKeyField = ApiSchema.IndexOf("ApiKey");
    private static readonly int MinVersionField = ApiSchema.IndexOf("MinVersion");
    private static readonly int MaxVersionField = ApiSchema.IndexOf("MaxVersion");

    // Never mutated after construction; the connection encodes it for every unknown-version ApiVersions request.
    private static readonly KafkaResponse UnsupportedVersionResponse = new(CreateBody(UnsupportedVersion), apiVersion: 0);

    /// <summary>A response body listing every API of the catalog. Fields a version lacks are skipped when encoding.</summary>
    public static ProtocolStruct CreateBody(short errorCode = 0, int throttleTimeMs = 0, IReadOnlyDictionary<ApiKey, short>? only = null)
    {
        var body = ApiVersionsMessages.Response.Create();
        body.SetInt16(ErrorCodeField, errorCode);
        body.SetInt32(ThrottleField, throttleTimeMs);
        foreach (var api in ApiCatalog.All)
        {
            short minVersion = api.MinVersion;
            if (only is not null)
            {
                if (!only.TryGetValue(api.Key, out var min))
                    continue;
                minVersion = Math.Max(min, minVersion);
            }

            var entry = body.AddStruct(ApiKeysField);
            entry.SetInt16(ApiKeyField, (short)api.Key);
            entry.SetInt16(MinVersionField, minVersion);
            entry.SetInt16(MaxVersionField, api.MaxVersion);
        }

        return body;
    }

    /// <summary>
    /// The answer to an ApiVersions request of any version: the list at the request's version, or, for a version
    /// this broker does not know, the v0 form with UNSUPPORTED_VERSION and the list (so the client can pick a version
    /// it shares and ask again, as Kafka's clients do).
    /// </summary>
    public static KafkaResponse Respond(short requestVersion, int throttleTimeMs = 0)
        => ApiCatalog.Get(ApiKey.ApiVersions).IsSupported(requestVersion)
            ? new KafkaResponse(CreateBody(0, throttleTimeMs))
            : UnsupportedVersionResponse;

    /// <summary>
    /// As <see cref="Respond(short, int)"/>, listing only the APIs a broker actually handles, each from the given
    /// lowest version (a broker may serve fewer versions than the codec knows).
    /// </summary>
    public static KafkaResponse Respond(short requestVersion, IReadOnlyDictionary<ApiKey, short> only)
        => ApiCatalog.Get(ApiKey.ApiVersions).IsSupported(requestVersion)
            ? new KafkaResponse(CreateBody(0, 0, only))
            : UnsupportedVersionResponse;

    /// <summary>See <see cref="Respond(short, int)"/>.</summary>
    public static KafkaResponse Respond(KafkaRequest request, int throttleTimeMs = 0)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ApiKey != ApiKey.ApiVersions)
            throw new ArgumentException($"Not an ApiVersions request: {request.ApiKey}.", nameof(request));
        return Respond(request.ApiVersion, throttleTimeMs);
    }

    internal static KafkaResponse ForUnsupportedVersion() => UnsupportedVersionResponse;
}
