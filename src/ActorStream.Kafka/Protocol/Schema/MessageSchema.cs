namespace ActorStream.Kafka.Protocol.Schema;

public enum MessageKind : byte
{
    Request,
    Response,
    Header,
}

/// <summary>
/// The one declarative description of a request, response or header: every version it exists in and, per field,
/// the versions that carry it. The generic codec interprets it for a given version.
/// </summary>
public sealed class MessageSchema
{
    internal MessageSchema(string name, short apiKey, MessageKind kind, VersionRange validVersions, VersionRange flexibleVersions, StructSchema body)
    {
        Name = name;
        ApiKey = apiKey;
        Kind = kind;
        ValidVersions = validVersions;
        FlexibleVersions = flexibleVersions;
        Body = body;
    }

    public string Name { get; }

    /// <summary>API key, or -1 for headers.</summary>
    public short ApiKey { get; }

    public MessageKind Kind { get; }

    public VersionRange ValidVersions { get; }

    public VersionRange FlexibleVersions { get; }

    public StructSchema Body { get; }

    public bool IsFlexible(short version) => FlexibleVersions.Contains(version);

    /// <summary>First flexible version, or -1 when the message never is.</summary>
    public short FirstFlexibleVersion => FlexibleVersions.IsEmpty || FlexibleVersions.Lowest > ValidVersions.Highest ? (short)-1 : FlexibleVersions.Lowest;

    public Codec.ProtocolStruct Create() => new(Body);

    public override string ToString() => $"{Name} v{ValidVersions}";
}
