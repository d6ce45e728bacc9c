namespace ActorStream.Kafka.Protocol;

/// <summary>A decoded request header (v0-v2). Unknown header tagged fields are skipped.</summary>
public readonly record struct RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId)
{
    public short HeaderVersion => ApiCatalog.Find((short)ApiKey) is null ? (short)1 : ApiCatalog.RequestHeaderVersion(ApiKey, ApiVersion);
}
