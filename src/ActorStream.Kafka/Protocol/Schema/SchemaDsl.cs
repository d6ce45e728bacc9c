using System.Globalization;

namespace ActorStream.Kafka.Protocol.Schema;

/// <summary>
/// The small language message descriptions are written in (use with <c>using static</c>). Version ranges are
/// Kafka's notation ("3+", "0-7", "none") so a description reads like the protocol documentation:
/// <code>
/// Message("ProduceRequest", ApiKey.Produce, "0-11", flexible: "9+",
/// [
///     Field("TransactionalId", Str, "3+", nullable: "3+", def: Null),
///     Field("Acks", I16, "0+"),
///     Structs("TopicData", "TopicProduceData", "0+", [ Field("Name", Str, "0+"), ... ]),
/// ]);
/// </code>
/// </summary>
public static class SchemaDsl
{
    public static readonly FieldType I8 = FieldType.Int8;
    public static readonly FieldType I16 = FieldType.Int16;
    public static readonly FieldType I32 = FieldType.Int32;
    public static readonly FieldType I64 = FieldType.Int64;
    public static readonly FieldType U16 = FieldType.UInt16;
    public static readonly FieldType U32 = FieldType.UInt32;
    public static readonly FieldType F64 = FieldType.Float64;
    public static readonly FieldType Bool = FieldType.Bool;
    public static readonly FieldType Uuid = FieldType.Uuid;
    public static readonly FieldType Str = FieldType.String;
    public static readonly FieldType Bytes = FieldType.Bytes;

    /// <summary>Kafka's "records": nullable bytes holding RecordBatch data, kept as a slice and never decoded here.</summary>
    public static readonly FieldType RecordSet = FieldType.Records;

    /// <summary>Marker for <c>def: Null</c> (a nullable field whose default is null rather than empty).</summary>
    public static readonly object Null = new NullDefault();

    public static FieldType ArrayOf(FieldType element) => FieldType.ArrayOf(element);

    public static FieldSchema Field(
        string name,
        FieldType type,
        string versions,
        string? nullable = null,
        object? def = null,
        bool ignorable = false,
        int tag = -1,
        string? tagged = null,
        string? flexible = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.Kind is FieldKind.Struct || type == FieldType.StructArray)
            throw new ArgumentException($"Field {name}: use Struct/Structs for struct types.", nameof(type));
        return Build(name, type, versions, nullable, def, ignorable, tag, tagged, flexible, null);
    }

    /// <summary>A single nested struct.</summary>
    public static FieldSchema Struct(
        string name,
        string typeName,
        string versions,
        FieldSchema[] fields,
        bool ignorable = false,
        int tag = -1,
        string? tagged = null)
        => Build(name, FieldType.Struct, versions, null, null, ignorable, tag, tagged, null, new StructSchema(typeName, fields));

    /// <summary>An array of nested structs.</summary>
    public static FieldSchema Structs(
        string name,
        string typeName,
        string versions,
        FieldSchema[] fields,
        string? nullable = null,
        object? def = null,
        bool ignorable = false,
        int tag = -1,
        string? tagged = null)
        => Build(name, FieldType.StructArray, versions, nullable, def, ignorable, tag, tagged, null, new StructSchema(typeName, fields));

    public static MessageSchema Message(string name, ApiKey apiKey, string validVersions, string flexible, FieldSchema[] fields)
        => new(name, (short)apiKey, name.EndsWith("Request", StringComparison.Ordinal) ? MessageKind.Request : MessageKind.Response,
            VersionRange.Parse(validVersions), VersionRange.Parse(flexible), new StructSchema(name, fields));

    public static MessageSchema Header(string name, string validVersions, string flexible, FieldSchema[] fields)
        => new(name, -1, MessageKind.Header, VersionRange.Parse(validVersions), VersionRange.Parse(flexible), new StructSchema(name, fields));

    private static FieldSchema Build(
        string name,
        FieldType type,
        string versions,
        string? nullable,
        object? def,
        bool ignorable,
        int tag,
        string? tagged,
        string? flexible,
        StructSchema? structSchema)
    {
        var nullableVersions = nullable is null ? VersionRange.None : VersionRange.Parse(nullable);
        bool canBeNull = type.IsVariableLength || type.Kind == FieldKind.Array;
        if (!nullableVersions.IsEmpty && !canBeNull)
            throw new ArgumentException($"Field {name}: only strings, bytes, records and arrays can be nullable.", nameof(nullable));
        if (tag >= 0 != tagged is not null)
            throw new ArgumentException($"Field {name}: tag and tagged versions go together.", nameof(tag));

        bool defaultIsNull = ReferenceEquals(def, Null) || (def is null && type.Kind == FieldKind.Records);
        if (defaultIsNull && nullableVersions.IsEmpty)
            throw new ArgumentException($"Field {name}: a null default needs nullable versions.", nameof(def));

        var field = new FieldSchema(
            name,
            type,
            VersionRange.Parse(versions),
            nullableVersions,
            tagged is null ? VersionRange.None : VersionRange.Parse(tagged),
            tag,
            ignorable,
            flexible is null ? null : VersionRange.Parse(flexible),
            structSchema,
            defaultIsNull,
            defaultIsNull ? null : NormalizeDefault(name, type, def));
        field.DefaultBits = type.Kind switch
        {
            FieldKind.Float64 => BitConverter.DoubleToInt64Bits((double)field.Default!),
            FieldKind.Uuid or FieldKind.Struct or FieldKind.Array or FieldKind.String or FieldKind.Bytes or FieldKind.Records => 0,
            _ => (long)field.Default!,
        };
        return field;
    }

    private static object? NormalizeDefault(string name, FieldType type, object? def)
    {
        try
        {
            return type.Kind switch
            {
                FieldKind.Bool => def is null ? 0L : Convert.ToBoolean(def, CultureInfo.InvariantCulture) ? 1L : 0L,
                FieldKind.Float64 => def is null ? 0d : Convert.ToDouble(def, CultureInfo.InvariantCulture),
                FieldKind.Uuid => def is null ? Guid.Empty : (Guid)def,
                FieldKind.String => def is null ? string.Empty : (string)def,
                FieldKind.Bytes or FieldKind.Records or FieldKind.Struct or FieldKind.Array => def is null
                    ? null
                    : throw new ArgumentException($"Field {name}: only null defaults are supported for {type}."),
                _ => def is null ? 0L : Convert.ToInt64(def, CultureInfo.InvariantCulture),
            };
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException($"Field {name}: default {def} does not fit {type}.", nameof(def), e);
        }
    }

    private sealed class NullDefault
    {
        public override string ToString() => "null";
    }
}
