namespace ActorStream.Kafka.Protocol.Schema;

/// <summary>
/// One field of a message or struct: its wire type and the versions in which it exists, may be null, or is
/// carried as a tagged field. Immutable once its struct is built.
/// </summary>
public sealed class FieldSchema
{
    internal FieldSchema(
        string name,
        FieldType type,
        VersionRange versions,
        VersionRange nullableVersions,
        VersionRange taggedVersions,
        int tag,
        bool ignorable,
        VersionRange? flexibleVersions,
        StructSchema? structSchema,
        bool defaultIsNull,
        object? defaultValue)
    {
        Name = name;
        Type = type;
        Versions = versions;
        NullableVersions = nullableVersions;
        TaggedVersions = taggedVersions;
        Tag = tag;
        Ignorable = ignorable;
        FlexibleVersions = flexibleVersions;
        Struct = structSchema;
        DefaultIsNull = defaultIsNull;
        Default = defaultValue;
    }

    public string Name { get; }

    public FieldType Type { get; }

    public FieldKind Kind => Type.Kind;

    public VersionRange Versions { get; }

    public VersionRange NullableVersions { get; }

    /// <summary>Versions in which the field travels in the tagged-field section instead of in line.</summary>
    public VersionRange TaggedVersions { get; }

    /// <summary>Tag number, or -1 for a field that is always in line.</summary>
    public int Tag { get; }

    public bool IsTagged => Tag >= 0;

    /// <summary>A non-default value may be silently dropped when writing a version that lacks the field.</summary>
    public bool Ignorable { get; }

    /// <summary>Per-field override of the message's flexible versions (the request header's ClientId is never compact).</summary>
    public VersionRange? FlexibleVersions { get; }

    /// <summary>Layout of a struct field or of the elements of a struct array.</summary>
    public StructSchema? Struct { get; }

    public bool DefaultIsNull { get; }

    /// <summary>Default for scalars, normalized: long for integers and booleans, double for float64, Guid for uuid, string for strings.</summary>
    public object? Default { get; }

    /// <summary>Position in <see cref="StructSchema.Fields"/>; the index accessors of <see cref="Codec.ProtocolStruct"/> take it.</summary>
    public int Index { get; internal set; }

    // Storage slot in the owning ProtocolStruct: scalars use the long array (uuid two slots), strings/arrays/structs
    // the object array, bytes/records the memory array plus a scalar slot for "is null".
    internal int Slot { get; set; }

    internal int NullSlot { get; set; }

    internal long DefaultBits { get; set; }

    /// <summary>Whether the field is on the wire (in line or tagged) at this version.</summary>
    public bool IsPresent(short version, bool flexible)
        => Versions.Contains(version) && (!IsTagged || (flexible && TaggedVersions.Contains(version)));

    public bool IsNullable(short version) => NullableVersions.Contains(version);

    public override string ToString() => $"{Name}: {Type} v{Versions}";
}
