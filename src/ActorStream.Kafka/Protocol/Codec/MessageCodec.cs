using ActorStream.Kafka.Protocol.Schema;

namespace ActorStream.Kafka.Protocol.Codec;

/// <summary>
/// The generic interpreter: encodes and decodes any <see cref="MessageSchema"/> at any of its versions. Per field
/// it asks the description whether the version carries it, in line or tagged, nullable or not, compact or classic;
/// there is no code per message or per version.
/// </summary>
public static class MessageCodec
{
    /// <summary>Decodes a whole body; bytes left over are an error (they mean the version or framing is wrong).</summary>
    public static ProtocolStruct Decode(MessageSchema schema, short version, ReadOnlyMemory<byte> body)
    {
        var reader = new ProtocolReader(body);
        var result = Decode(schema, version, ref reader);
        if (reader.Remaining != 0)
            throw new ProtocolException($"{reader.Remaining} unexpected bytes after {schema.Name} v{version}.", reader.Position);
        return result;
    }

    public static ProtocolStruct Decode(MessageSchema schema, short version, ref ProtocolReader reader)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!schema.ValidVersions.Contains(version))
            throw new UnsupportedVersionException($"{schema.Name} has no version {version} (valid {schema.ValidVersions}).");
        try
        {
            return DecodeStruct(schema.Body, ref reader, version, schema.IsFlexible(version));
        }
        catch (ProtocolException e)
        {
            e.AddPathSegment(schema.Name);
            throw;
        }
    }

    public static void Encode(MessageSchema schema, short version, ProtocolStruct value, ProtocolWriter writer)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(writer);
        if (value.Schema != schema.Body)
            throw new ArgumentException($"Value is a {value.Schema.Name}, not a {schema.Name}.", nameof(value));
        if (!schema.ValidVersions.Contains(version))
            throw new UnsupportedVersionException($"{schema.Name} has no version {version} (valid {schema.ValidVersions}).");
        try
        {
            EncodeStruct(value, writer, version, schema.IsFlexible(version), splice: true);
        }
        catch (ProtocolException e)
        {
            e.AddPathSegment(schema.Name);
            throw;
        }
    }

    public static byte[] Encode(MessageSchema schema, short version, ProtocolStruct value)
    {
        using var writer = new ProtocolWriter();
        Encode(schema, version, value, writer);
        return writer.ToArray();
    }

    private static bool IsCompact(FieldSchema field, short version, bool flexible)
        => flexible && (field.FlexibleVersions is not { } own || own.Contains(version));

    private static ProtocolStruct DecodeStruct(StructSchema schema, ref ProtocolReader reader, short version, bool flexible)
    {
        var result = new ProtocolStruct(schema, initialize: false);
        var fields = schema.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.IsTagged || !field.Versions.Contains(version))
            {
                // Tagged fields start at their default and are overwritten if the tagged section carries them.
                result.SetDefault(field);
                continue;
            }

            try
            {
                ReadField(result, field, ref reader, version, IsCompact(field, version, flexible), flexible);
            }
            catch (ProtocolException e)
            {
                e.AddPathSegment(field.Name);
                throw;
            }
        }

        if (flexible)
            ReadTaggedFields(result, schema, ref reader, version);
        return result;
    }

    private static void ReadTaggedFields(ProtocolStruct result, StructSchema schema, ref ProtocolReader reader, short version)
    {
        int start = reader.Position;
        uint count = reader.ReadUnsignedVarint();
        // Each tagged field takes at least two bytes (tag and size), which bounds the loop by the input.
        if (count > (uint)reader.Remaining / 2)
            throw new ProtocolException($"Tagged field count {count} exceeds the bytes that remain.", start);
        for (uint n = 0; n < count; n++)
        {
            int tagPosition = reader.Position;
            uint tag = reader.ReadUnsignedVarint();
            uint size = reader.ReadUnsignedVarint();
            if (size > (uint)reader.Remaining)
                throw new ProtocolException($"Tagged field {tag} of {size} bytes exceeds the {reader.Remaining} bytes that remain.", tagPosition);
            int dataPosition = reader.Position;
            var data = reader.ReadRaw((int)size);
            var field = FindTagged(schema, tag, version);
            if (field is null)
            {
                // Unknown to us (a newer client): keep the bytes so a re-encode is faithful.
                result.UnknownTaggedFields.Add(new RawTaggedField(checked((int)Math.Min(tag, int.MaxValue)), data));
                continue;
            }

            var sub = new ProtocolReader(data);
            try
            {
                ReadField(result, field, ref sub, version, IsCompact(field, version, true), flexible: true);
                if (sub.Remaining != 0)
                    throw new ProtocolException($"Tagged field declared {size} bytes but its value used {size - sub.Remaining}.", dataPosition + sub.Position);
            }
            catch (ProtocolException e)
            {
                e.AddPathSegment(field.Name);
                throw;
            }
        }
    }

    private static FieldSchema? FindTagged(StructSchema schema, uint tag, short version)
    {
        foreach (var field in schema.TaggedFields)
        {
            if (field.Tag == tag)
                return field.IsPresent(version, flexible: true) ? field : null;
        }

        return null;
    }

    private static int MinimumSize(FieldType element, bool compact) => element.Kind switch
    {
        FieldKind.String => compact ? 1 : 2,
        FieldKind.Bytes => compact ? 1 : 4,
        FieldKind.Struct => 1,
        _ => element.FixedSize,
    };

    private static void ReadField(ProtocolStruct result, FieldSchema field, ref ProtocolReader reader, short version, bool compact, bool flexible)
    {
        switch (field.Kind)
        {
            case FieldKind.Int8:
                result.SetScalarBits(field, reader.ReadInt8());
                break;
            case FieldKind.Int16:
                result.SetScalarBits(field, reader.ReadInt16());
                break;
            case FieldKind.Int32:
                result.SetScalarBits(field, reader.ReadInt32());
                break;
            case FieldKind.Int64:
                result.SetScalarBits(field, reader.ReadInt64());
                break;
            case FieldKind.UInt16:
                result.SetScalarBits(field, reader.ReadUInt16());
                break;
            case FieldKind.UInt32:
                result.SetScalarBits(field, reader.ReadUInt32());
                break;
            case FieldKind.Float64:
                result.SetScalarBits(field, BitConverter.DoubleToInt64Bits(reader.ReadFloat64()));
                break;
            case FieldKind.Bool:
                result.SetScalarBits(field, reader.ReadBool() ? 1 : 0);
                break;
            case FieldKind.Uuid:
                var (high, low) = reader.ReadUuid();
                result.SetUuidBits(field, high, low);
                break;
            case FieldKind.String:
                result.SetRef(field, reader.ReadString(compact, field.IsNullable(version)));
                break;
            case FieldKind.Bytes or FieldKind.Records:
                result.SetMemory(field, reader.ReadBytes(compact, field.IsNullable(version)));
                break;
            case FieldKind.Struct:
                result.SetRef(field, DecodeStruct(field.Struct!, ref reader, version, flexible));
                break;
            case FieldKind.Array:
                result.SetRef(field, ReadArray(field, ref reader, version, compact, flexible));
                break;
            default:
                throw new InvalidOperationException($"Unknown field kind {field.Kind}.");
        }
    }

    private static object? ReadArray(FieldSchema field, ref ProtocolReader reader, short version, bool compact, bool flexible)
    {
        var element = field.Type.Element!;
        int start = reader.Position;
        int count = reader.ReadLength(compact, shortLength: false, MinimumSize(element, compact));
        if (count < 0)
            return field.IsNullable(version) ? null : throw new ProtocolException("Null array in a non-nullable field.", start);
        switch (element.Kind)
        {
            case FieldKind.Struct:
                // Capacity grows with what actually parses, so a lying count cannot reserve memory up front.
                var list = new List<ProtocolStruct>(Math.Min(count, 64));
                for (int i = 0; i < count; i++)
                {
                    try
                    {
                        list.Add(DecodeStruct(field.Struct!, ref reader, version, flexible));
                    }
                    catch (ProtocolException e)
                    {
                        e.AddPathSegment($"[{i}]");
                        throw;
                    }
                }

                return list;
            case FieldKind.Int8:
                var int8s = new sbyte[count];
                for (int i = 0; i < count; i++)
                    int8s[i] = reader.ReadInt8();
                return int8s;
            case FieldKind.Int16:
                var int16s = new short[count];
                for (int i = 0; i < count; i++)
                    int16s[i] = reader.ReadInt16();
                return int16s;
            case FieldKind.Int32:
                var int32s = new int[count];
                for (int i = 0; i < count; i++)
                    int32s[i] = reader.ReadInt32();
                return int32s;
            case FieldKind.Int64:
                var int64s = new long[count];
                for (int i = 0; i < count; i++)
                    int64s[i] = reader.ReadInt64();
                return int64s;
            case FieldKind.UInt16:
                var uint16s = new ushort[count];
                for (int i = 0; i < count; i++)
                    uint16s[i] = reader.ReadUInt16();
                return uint16s;
            case FieldKind.UInt32:
                var uint32s = new uint[count];
                for (int i = 0; i < count; i++)
                    uint32s[i] = reader.ReadUInt32();
                return uint32s;
            case FieldKind.Float64:
                var doubles = new double[count];
                for (int i = 0; i < count; i++)
                    doubles[i] = reader.ReadFloat64();
                return doubles;
            case FieldKind.Bool:
                var bools = new bool[count];
                for (int i = 0; i < count; i++)
                    bools[i] = reader.ReadBool();
                return bools;
            case FieldKind.Uuid:
                var uuids = new Guid[count];
                for (int i = 0; i < count; i++)
                {
                    var (high, low) = reader.ReadUuid();
                    uuids[i] = ProtocolStruct.UuidFromBits(high, low);
                }

                return uuids;
            case FieldKind.String:
                var strings = new string[count];
                for (int i = 0; i < count; i++)
                    strings[i] = reader.ReadString(compact, nullable: false)!;
                return strings;
            case FieldKind.Bytes:
                var blobs = new ReadOnlyMemory<byte>[count];
                for (int i = 0; i < count; i++)
                    blobs[i] = reader.ReadBytes(compact, nullable: false).GetValueOrDefault();
                return blobs;
            default:
                throw new InvalidOperationException($"No array of {element}.");
        }
    }

    private static void EncodeStruct(ProtocolStruct value, ProtocolWriter writer, short version, bool flexible, bool splice)
    {
        var fields = value.Schema.Fields;
        int taggedCount = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!field.IsPresent(version, flexible))
            {
                // Kafka's rule: a version that lacks the field may only drop it if it holds its default or is ignorable.
                if (!field.Ignorable && !value.IsDefault(i))
                    throw new UnsupportedVersionException($"{value.Schema.Name}.{field.Name} holds a non-default value that version {version} cannot carry.");
                continue;
            }

            if (field.IsTagged)
            {
                if (!value.IsDefault(i))
                    taggedCount++;
                continue;
            }

            try
            {
                WriteField(value, field, writer, version, IsCompact(field, version, flexible), flexible, splice);
            }
            catch (ProtocolException e)
            {
                e.AddPathSegment(field.Name);
                throw;
            }
        }

        if (flexible)
            WriteTaggedFields(value, writer, version, taggedCount);
    }

    private static void WriteTaggedFields(ProtocolStruct value, ProtocolWriter writer, short version, int knownCount)
    {
        var unknown = value.UnknownTaggedFieldsOrNull;
        int unknownCount = unknown?.Count ?? 0;
        writer.WriteUnsignedVarint((uint)(knownCount + unknownCount));
        if (knownCount + unknownCount == 0)
            return;

        var sortedUnknown = unknownCount switch
        {
            0 => [],
            1 => unknown!.ToArray(),
            _ => [.. unknown!.OrderBy(f => f.Tag)],
        };
        int u = 0;
        foreach (var field in value.Schema.TaggedFields)
        {
            if (!field.IsPresent(version, flexible: true) || value.IsDefault(field.Index))
                continue;
            for (; u < sortedUnknown.Length && sortedUnknown[u].Tag < field.Tag; u++)
                WriteUnknown(writer, sortedUnknown[u]);
            writer.WriteUnsignedVarint((uint)field.Tag);
            int position = writer.BufferedLength;
            try
            {
                // Tagged values never reference record sets, so the size can be inserted in front afterwards.
                WriteField(value, field, writer, version, IsCompact(field, version, true), flexible: true, splice: false);
            }
            catch (ProtocolException e)
            {
                e.AddPathSegment(field.Name);
                throw;
            }

            writer.InsertUnsignedVarint(position, (uint)(writer.BufferedLength - position));
        }

        for (; u < sortedUnknown.Length; u++)
            WriteUnknown(writer, sortedUnknown[u]);
    }

    private static void WriteUnknown(ProtocolWriter writer, RawTaggedField field)
    {
        writer.WriteUnsignedVarint((uint)field.Tag);
        writer.WriteUnsignedVarint((uint)field.Data.Length);
        writer.WriteRaw(field.Data.Span);
    }

    private static void WriteField(ProtocolStruct value, FieldSchema field, ProtocolWriter writer, short version, bool compact, bool flexible, bool splice)
    {
        switch (field.Kind)
        {
            case FieldKind.Int8:
                writer.WriteInt8((sbyte)value.GetScalarBits(field));
                break;
            case FieldKind.Int16:
                writer.WriteInt16((short)value.GetScalarBits(field));
                break;
            case FieldKind.Int32:
                writer.WriteInt32((int)value.GetScalarBits(field));
                break;
            case FieldKind.Int64:
                writer.WriteInt64(value.GetScalarBits(field));
                break;
            case FieldKind.UInt16:
                writer.WriteUInt16((ushort)value.GetScalarBits(field));
                break;
            case FieldKind.UInt32:
                writer.WriteUInt32((uint)value.GetScalarBits(field));
                break;
            case FieldKind.Float64:
                writer.WriteFloat64(BitConverter.Int64BitsToDouble(value.GetScalarBits(field)));
                break;
            case FieldKind.Bool:
                writer.WriteBool(value.GetScalarBits(field) != 0);
                break;
            case FieldKind.Uuid:
                var (high, low) = value.GetUuidBits(field);
                writer.WriteUuid(high, low);
                break;
            case FieldKind.String:
                var text = (string?)value.GetRef(field);
                if (text is null && !field.IsNullable(version))
                    throw new ProtocolException($"{field.Name} is null but not nullable in version {version}.");
                writer.WriteString(text, compact);
                break;
            case FieldKind.Bytes or FieldKind.Records:
                var bytes = value.GetMemory(field);
                if (!bytes.HasValue && !field.IsNullable(version))
                    throw new ProtocolException($"{field.Name} is null but not nullable in version {version}.");
                writer.WriteBytes(bytes, compact, splice && field.Kind == FieldKind.Records);
                break;
            case FieldKind.Struct:
                EncodeStruct((ProtocolStruct)value.GetRef(field)!, writer, version, flexible, splice);
                break;
            case FieldKind.Array:
                WriteArray(value.GetRef(field), field, writer, version, compact, flexible, splice);
                break;
            default:
                throw new InvalidOperationException($"Unknown field kind {field.Kind}.");
        }
    }

    private static void WriteArray(object? array, FieldSchema field, ProtocolWriter writer, short version, bool compact, bool flexible, bool splice)
    {
        if (array is null)
        {
            if (!field.IsNullable(version))
                throw new ProtocolException($"{field.Name} is null but not nullable in version {version}.");
            writer.WriteLength(-1, compact, shortLength: false);
            return;
        }

        switch (array)
        {
            case List<ProtocolStruct> list:
                writer.WriteLength(list.Count, compact, shortLength: false);
                for (int i = 0; i < list.Count; i++)
                {
                    try
                    {
                        EncodeStruct(list[i], writer, version, flexible, splice);
                    }
                    catch (ProtocolException e)
                    {
                        e.AddPathSegment($"[{i}]");
                        throw;
                    }
                }

                break;
            case sbyte[] int8s:
                writer.WriteLength(int8s.Length, compact, shortLength: false);
                foreach (var item in int8s)
                    writer.WriteInt8(item);
                break;
            case short[] int16s:
                writer.WriteLength(int16s.Length, compact, shortLength: false);
                foreach (var item in int16s)
                    writer.WriteInt16(item);
                break;
            case int[] int32s:
                writer.WriteLength(int32s.Length, compact, shortLength: false);
                foreach (var item in int32s)
                    writer.WriteInt32(item);
                break;
            case long[] int64s:
                writer.WriteLength(int64s.Length, compact, shortLength: false);
                foreach (var item in int64s)
                    writer.WriteInt64(item);
                break;
            case ushort[] uint16s:
                writer.WriteLength(uint16s.Length, compact, shortLength: false);
                foreach (var item in uint16s)
                    writer.WriteUInt16(item);
                break;
            case uint[] uint32s:
                writer.WriteLength(uint32s.Length, compact, shortLength: false);
                foreach (var item in uint32s)
                    writer.WriteUInt32(item);
                break;
            case double[] doubles:
                writer.WriteLength(doubles.Length, compact, shortLength: false);
                foreach (var item in doubles)
                    writer.WriteFloat64(item);
                break;
            case bool[] bools:
                writer.WriteLength(bools.Length, compact, shortLength: false);
                foreach (var item in bools)
                    writer.WriteBool(item);
                break;
            case Guid[] uuids:
                writer.WriteLength(uuids.Length, compact, shortLength: false);
                foreach (var item in uuids)
                {
                    var (high, low) = ProtocolStruct.UuidToBits(item);
                    writer.WriteUuid(high, low);
                }

                break;
            case string[] strings:
                writer.WriteLength(strings.Length, compact, shortLength: false);
                foreach (var item in strings)
                {
                    if (item is null)
                        throw new ProtocolException($"{field.Name} contains a null string.");
                    writer.WriteString(item, compact);
                }

                break;
            case ReadOnlyMemory<byte>[] blobs:
                writer.WriteLength(blobs.Length, compact, shortLength: false);
                foreach (var item in blobs)
                    writer.WriteBytes(item, compact);
                break;
            default:
                throw new InvalidOperationException($"{field.Name} holds an unexpected {array.GetType().Name}.");
        }
    }
}
