namespace ActorStream.Kafka.Protocol.Schema;

public enum FieldKind : byte
{
    Int8,
    Int16,
    Int32,
    Int64,
    UInt16,
    UInt32,
    Float64,
    Bool,
    Uuid,
    String,
    Bytes,
    Records,
    Struct,
    Array,
}

/// <summary>The wire type of a field. Arrays carry their element type; struct layouts live on the field.</summary>
public sealed class FieldType
{
    private FieldType(FieldKind kind, FieldType? element)
    {
        Kind = kind;
        Element = element;
    }

    public FieldKind Kind { get; }

    /// <summary>Element type of an array, otherwise null.</summary>
    public FieldType? Element { get; }

    public bool IsScalar => Kind <= FieldKind.Uuid;

    /// <summary>Strings, bytes and records: length-prefixed, compact in flexible versions, possibly nullable.</summary>
    public bool IsVariableLength => Kind is FieldKind.String or FieldKind.Bytes or FieldKind.Records;

    /// <summary>Fixed encoded width of scalars (0 for everything else).</summary>
    public int FixedSize => Kind switch
    {
        FieldKind.Int8 or FieldKind.Bool => 1,
        FieldKind.Int16 or FieldKind.UInt16 => 2,
        FieldKind.Int32 or FieldKind.UInt32 => 4,
        FieldKind.Int64 or FieldKind.Float64 => 8,
        FieldKind.Uuid => 16,
        _ => 0,
    };

    public static readonly FieldType Int8 = new(FieldKind.Int8, null);
    public static readonly FieldType Int16 = new(FieldKind.Int16, null);
    public static readonly FieldType Int32 = new(FieldKind.Int32, null);
    public static readonly FieldType Int64 = new(FieldKind.Int64, null);
    public static readonly FieldType UInt16 = new(FieldKind.UInt16, null);
    public static readonly FieldType UInt32 = new(FieldKind.UInt32, null);
    public static readonly FieldType Float64 = new(FieldKind.Float64, null);
    public static readonly FieldType Bool = new(FieldKind.Bool, null);
    public static readonly FieldType Uuid = new(FieldKind.Uuid, null);
    public static readonly FieldType String = new(FieldKind.String, null);
    public static readonly FieldType Bytes = new(FieldKind.Bytes, null);
    public static readonly FieldType Records = new(FieldKind.Records, null);
    public static readonly FieldType Struct = new(FieldKind.Struct, null);
    public static readonly FieldType StructArray = new(FieldKind.Array, Struct);

    public static FieldType ArrayOf(FieldType element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Kind is FieldKind.Array or FieldKind.Records)
            throw new ArgumentException("Arrays of arrays or of records are not part of the protocol.", nameof(element));
        return element.Kind == FieldKind.Struct ? StructArray : new FieldType(FieldKind.Array, element);
    }

    public override string ToString() => Kind == FieldKind.Array ? $"[]{Element}" : Kind.ToString().ToLowerInvariant();
}
