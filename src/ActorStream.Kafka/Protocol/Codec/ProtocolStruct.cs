using ActorStream.Kafka.Protocol.Schema;

namespace ActorStream.Kafka.Protocol.Codec;

/// <summary>
/// A decoded (or to-be-encoded) message body or nested struct: typed slots laid out by its <see cref="StructSchema"/>.
/// Scalars live unboxed in one long array, strings/arrays/structs in one object array and bytes/records as
/// <see cref="ReadOnlyMemory{T}"/> slices of the source buffer, so decoding allocates per struct, not per field,
/// and records are never copied. Access by field index (fast; resolve once with <see cref="StructSchema.IndexOf"/>)
/// or by name. Arrays of structs are <see cref="List{T}"/>; arrays of scalars and strings are plain CLR arrays.
/// </summary>
public sealed class ProtocolStruct
{
    private static readonly long[] NoScalars = [];
    private static readonly object?[] NoRefs = [];
    private static readonly ReadOnlyMemory<byte>[] NoMemories = [];

    private readonly long[] _scalars;
    private readonly object?[] _refs;
    private readonly ReadOnlyMemory<byte>[] _memories;
    private List<RawTaggedField>? _unknownTaggedFields;

    public ProtocolStruct(StructSchema schema)
        : this(schema, initialize: true)
    {
    }

    internal ProtocolStruct(StructSchema schema, bool initialize)
    {
        Schema = schema;
        _scalars = schema.ScalarSlots == 0 ? NoScalars : new long[schema.ScalarSlots];
        _refs = schema.RefSlots == 0 ? NoRefs : new object?[schema.RefSlots];
        _memories = schema.MemorySlots == 0 ? NoMemories : new ReadOnlyMemory<byte>[schema.MemorySlots];
        if (initialize)
        {
            foreach (var field in schema.Fields)
                SetDefault(field);
        }
    }

    public StructSchema Schema { get; }

    /// <summary>Tagged fields read from the wire that no description names; written back as they came.</summary>
    public List<RawTaggedField> UnknownTaggedFields => _unknownTaggedFields ??= [];

    internal List<RawTaggedField>? UnknownTaggedFieldsOrNull => _unknownTaggedFields;

    internal void SetDefault(FieldSchema field)
    {
        switch (field.Kind)
        {
            case FieldKind.Uuid:
                _scalars[field.Slot] = 0;
                _scalars[field.Slot + 1] = 0;
                break;
            case FieldKind.String:
                _refs[field.Slot] = field.Default;
                break;
            case FieldKind.Bytes or FieldKind.Records:
                _memories[field.Slot] = default;
                _scalars[field.NullSlot] = field.DefaultIsNull ? 0 : 1;
                break;
            case FieldKind.Struct:
                _refs[field.Slot] = new ProtocolStruct(field.Struct!);
                break;
            case FieldKind.Array:
                _refs[field.Slot] = field.DefaultIsNull ? null : EmptyArray(field.Type.Element!);
                break;
            default:
                _scalars[field.Slot] = field.DefaultBits;
                break;
        }
    }

    private static object EmptyArray(FieldType element) => element.Kind switch
    {
        FieldKind.Struct => new List<ProtocolStruct>(),
        FieldKind.Int8 => Array.Empty<sbyte>(),
        FieldKind.Int16 => Array.Empty<short>(),
        FieldKind.Int32 => Array.Empty<int>(),
        FieldKind.Int64 => Array.Empty<long>(),
        FieldKind.UInt16 => Array.Empty<ushort>(),
        FieldKind.UInt32 => Array.Empty<uint>(),
        FieldKind.Float64 => Array.Empty<double>(),
        FieldKind.Bool => Array.Empty<bool>(),
        FieldKind.Uuid => Array.Empty<Guid>(),
        FieldKind.String => Array.Empty<string>(),
        FieldKind.Bytes => Array.Empty<ReadOnlyMemory<byte>>(),
        _ => throw new InvalidOperationException($"No array of {element}."),
    };

    /// <summary>CLR array type used for an array field with scalar or string elements.</summary>
    internal static Type ArrayClrType(FieldType element) => EmptyArray(element).GetType();

    private FieldSchema Check(int index, FieldKind kind)
    {
        var field = Schema.Fields[index];
        if (field.Kind != kind)
            throw new InvalidOperationException($"{Schema.Name}.{field.Name} is {field.Type}, not {kind}.");
        return field;
    }

    private int Index(string name)
    {
        int index = Schema.IndexOf(name);
        return index >= 0 ? index : throw new KeyNotFoundException($"{Schema.Name} has no field {name}.");
    }

    // Scalars, by index.
    public sbyte GetInt8(int index) => (sbyte)_scalars[Check(index, FieldKind.Int8).Slot];

    public short GetInt16(int index) => (short)_scalars[Check(index, FieldKind.Int16).Slot];

    public int GetInt32(int index) => (int)_scalars[Check(index, FieldKind.Int32).Slot];

    public long GetInt64(int index) => _scalars[Check(index, FieldKind.Int64).Slot];

    public ushort GetUInt16(int index) => (ushort)_scalars[Check(index, FieldKind.UInt16).Slot];

    public uint GetUInt32(int index) => (uint)_scalars[Check(index, FieldKind.UInt32).Slot];

    public double GetFloat64(int index) => BitConverter.Int64BitsToDouble(_scalars[Check(index, FieldKind.Float64).Slot]);

    public bool GetBool(int index) => _scalars[Check(index, FieldKind.Bool).Slot] != 0;

    public Guid GetUuid(int index)
    {
        int slot = Check(index, FieldKind.Uuid).Slot;
        return UuidFromBits(_scalars[slot], _scalars[slot + 1]);
    }

    public string? GetString(int index) => (string?)_refs[Check(index, FieldKind.String).Slot];

    /// <summary>Bytes as a slice of the decoded buffer; null when the wire said null.</summary>
    public ReadOnlyMemory<byte>? GetBytes(int index) => GetMemory(Check(index, FieldKind.Bytes));

    /// <summary>RecordBatch data as a slice of the decoded buffer (never copied, never parsed); null when absent.</summary>
    public ReadOnlyMemory<byte>? GetRecords(int index) => GetMemory(Check(index, FieldKind.Records));

    public ProtocolStruct GetStruct(int index) => (ProtocolStruct)_refs[Check(index, FieldKind.Struct).Slot]!;

    public List<ProtocolStruct>? GetStructs(int index)
    {
        var field = Check(index, FieldKind.Array);
        return field.Type.Element!.Kind == FieldKind.Struct
            ? (List<ProtocolStruct>?)_refs[field.Slot]
            : throw new InvalidOperationException($"{Schema.Name}.{field.Name} is {field.Type}, not an array of structs.");
    }

    /// <summary>An array of scalars or strings (e.g. int[] for []int32).</summary>
    public T[]? GetArray<T>(int index)
    {
        var field = Check(index, FieldKind.Array);
        return _refs[field.Slot] switch
        {
            null => null,
            T[] array => array,
            _ => throw new InvalidOperationException($"{Schema.Name}.{field.Name} is {field.Type}, not {typeof(T).Name}[]."),
        };
    }

    public void SetInt8(int index, sbyte value) => _scalars[Check(index, FieldKind.Int8).Slot] = value;

    public void SetInt16(int index, short value) => _scalars[Check(index, FieldKind.Int16).Slot] = value;

    public void SetInt32(int index, int value) => _scalars[Check(index, FieldKind.Int32).Slot] = value;

    public void SetInt64(int index, long value) => _scalars[Check(index, FieldKind.Int64).Slot] = value;

    public void SetUInt16(int index, ushort value) => _scalars[Check(index, FieldKind.UInt16).Slot] = value;

    public void SetUInt32(int index, uint value) => _scalars[Check(index, FieldKind.UInt32).Slot] = value;

    public void SetFloat64(int index, double value) => _scalars[Check(index, FieldKind.Float64).Slot] = BitConverter.DoubleToInt64Bits(value);

    public void SetBool(int index, bool value) => _scalars[Check(index, FieldKind.Bool).Slot] = value ? 1 : 0;

    public void SetUuid(int index, Guid value)
    {
        int slot = Check(index, FieldKind.Uuid).Slot;
        (_scalars[slot], _scalars[slot + 1]) = UuidToBits(value);
    }

    public void SetString(int index, string? value) => _refs[Check(index, FieldKind.String).Slot] = value;

    public void SetBytes(int index, ReadOnlyMemory<byte>? value) => SetMemory(Check(index, FieldKind.Bytes), value);

    public void SetRecords(int index, ReadOnlyMemory<byte>? value) => SetMemory(Check(index, FieldKind.Records), value);

    public void SetStruct(int index, ProtocolStruct value)
    {
        var field = Check(index, FieldKind.Struct);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Schema != field.Struct)
            throw new ArgumentException($"{Schema.Name}.{field.Name} holds {field.Struct!.Name}, not {value.Schema.Name}.", nameof(value));
        _refs[field.Slot] = value;
    }

    public void SetStructs(int index, List<ProtocolStruct>? value)
    {
        _ = GetStructs(index);
        _refs[Schema.Fields[index].Slot] = value;
    }

    public void SetArray<T>(int index, T[]? value)
    {
        var field = Check(index, FieldKind.Array);
        if (field.Type.Element!.Kind == FieldKind.Struct || ArrayClrType(field.Type.Element) != typeof(T[]))
            throw new InvalidOperationException($"{Schema.Name}.{field.Name} is {field.Type}, not {typeof(T).Name}[].");
        _refs[field.Slot] = value;
    }

    /// <summary>Appends a new element (all defaults) to a struct array, creating the array if it is null.</summary>
    public ProtocolStruct AddStruct(int index)
    {
        var field = Schema.Fields[index];
        var list = GetStructs(index);
        if (list is null)
            _refs[field.Slot] = list = [];
        var element = new ProtocolStruct(field.Struct!);
        list.Add(element);
        return element;
    }

    // By name: convenient for admin paths and tests; hot paths resolve the index once.
    public sbyte GetInt8(string name) => GetInt8(Index(name));

    public short GetInt16(string name) => GetInt16(Index(name));

    public int GetInt32(string name) => GetInt32(Index(name));

    public long GetInt64(string name) => GetInt64(Index(name));

    public bool GetBool(string name) => GetBool(Index(name));

    public Guid GetUuid(string name) => GetUuid(Index(name));

    public string? GetString(string name) => GetString(Index(name));

    public ReadOnlyMemory<byte>? GetBytes(string name) => GetBytes(Index(name));

    public ReadOnlyMemory<byte>? GetRecords(string name) => GetRecords(Index(name));

    public ProtocolStruct GetStruct(string name) => GetStruct(Index(name));

    public List<ProtocolStruct>? GetStructs(string name) => GetStructs(Index(name));

    public T[]? GetArray<T>(string name) => GetArray<T>(Index(name));

    public void SetInt8(string name, sbyte value) => SetInt8(Index(name), value);

    public void SetInt16(string name, short value) => SetInt16(Index(name), value);

    public void SetInt32(string name, int value) => SetInt32(Index(name), value);

    public void SetInt64(string name, long value) => SetInt64(Index(name), value);

    public void SetBool(string name, bool value) => SetBool(Index(name), value);

    public void SetUuid(string name, Guid value) => SetUuid(Index(name), value);

    public void SetString(string name, string? value) => SetString(Index(name), value);

    public void SetBytes(string name, ReadOnlyMemory<byte>? value) => SetBytes(Index(name), value);

    public void SetRecords(string name, ReadOnlyMemory<byte>? value) => SetRecords(Index(name), value);

    public void SetStructs(string name, List<ProtocolStruct>? value) => SetStructs(Index(name), value);

    public void SetArray<T>(string name, T[]? value) => SetArray(Index(name), value);

    public ProtocolStruct AddStruct(string name) => AddStruct(Index(name));

    /// <summary>Boxed value of any field (long-free CLR types: sbyte, short, int, ..., string, ReadOnlyMemory, arrays, structs).</summary>
    public object? GetValue(int index)
    {
        var field = Schema.Fields[index];
        return field.Kind switch
        {
            FieldKind.Int8 => GetInt8(index),
            FieldKind.Int16 => GetInt16(index),
            FieldKind.Int32 => GetInt32(index),
            FieldKind.Int64 => GetInt64(index),
            FieldKind.UInt16 => GetUInt16(index),
            FieldKind.UInt32 => GetUInt32(index),
            FieldKind.Float64 => GetFloat64(index),
            FieldKind.Bool => GetBool(index),
            FieldKind.Uuid => GetUuid(index),
            FieldKind.Bytes or FieldKind.Records => GetMemory(field),
            _ => _refs[field.Slot],
        };
    }

    public object? GetValue(string name) => GetValue(Index(name));

    /// <summary>Whether the field holds its default value (a struct: all of its fields do, recursively).</summary>
    public bool IsDefault(int index)
    {
        var field = Schema.Fields[index];
        switch (field.Kind)
        {
            case FieldKind.Uuid:
                return _scalars[field.Slot] == 0 && _scalars[field.Slot + 1] == 0;
            case FieldKind.String:
                return string.Equals((string?)_refs[field.Slot], (string?)field.Default, StringComparison.Ordinal);
            case FieldKind.Bytes or FieldKind.Records:
                bool isNull = _scalars[field.NullSlot] == 0;
                return field.DefaultIsNull ? isNull : !isNull && _memories[field.Slot].IsEmpty;
            case FieldKind.Struct:
                return ((ProtocolStruct)_refs[field.Slot]!).IsAllDefault();
            case FieldKind.Array:
                object? value = _refs[field.Slot];
                return field.DefaultIsNull ? value is null : value switch
                {
                    null => false,
                    List<ProtocolStruct> list => list.Count == 0,
                    Array array => array.Length == 0,
                    _ => false,
                };
            default:
                return _scalars[field.Slot] == field.DefaultBits;
        }
    }

    public bool IsAllDefault()
    {
        if (_unknownTaggedFields is { Count: > 0 })
            return false;
        for (int i = 0; i < Schema.Fields.Count; i++)
        {
            if (!IsDefault(i))
                return false;
        }

        return true;
    }

    public override string ToString() => ProtocolStructFormatter.Format(this);

    // Internal fast paths for the codec: the schema was checked when the descriptions were built.
    internal long GetScalarBits(FieldSchema field) => _scalars[field.Slot];

    internal void SetScalarBits(FieldSchema field, long bits) => _scalars[field.Slot] = bits;

    internal (long High, long Low) GetUuidBits(FieldSchema field) => (_scalars[field.Slot], _scalars[field.Slot + 1]);

    internal void SetUuidBits(FieldSchema field, long high, long low)
    {
        _scalars[field.Slot] = high;
        _scalars[field.Slot + 1] = low;
    }

    internal object? GetRef(FieldSchema field) => _refs[field.Slot];

    internal void SetRef(FieldSchema field, object? value) => _refs[field.Slot] = value;

    internal ReadOnlyMemory<byte>? GetMemory(FieldSchema field)
        => _scalars[field.NullSlot] == 0 ? null : _memories[field.Slot];

    internal void SetMemory(FieldSchema field, ReadOnlyMemory<byte>? value)
    {
        _scalars[field.NullSlot] = value.HasValue ? 1 : 0;
        _memories[field.Slot] = value.GetValueOrDefault();
    }

    // Kafka's uuid is two big-endian longs (most significant first); Guid's big-endian byte view matches it.
    internal static Guid UuidFromBits(long high, long low)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, high);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[8..], low);
        return new Guid(bytes, bigEndian: true);
    }

    internal static (long High, long Low) UuidToBits(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes),
            System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));
    }
}
