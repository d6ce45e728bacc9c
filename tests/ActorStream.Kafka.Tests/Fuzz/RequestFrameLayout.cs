using System.Buffers.Binary;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Messages.Headers;
using ActorStream.Kafka.Protocol.Schema;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>How a length prefix is written on the wire.</summary>
internal enum LengthEncoding
{
    /// <summary>Classic string length (int16, -1 = null).</summary>
    Int16,

    /// <summary>Classic bytes or array length (int32, -1 = null).</summary>
    Int32,

    /// <summary>Compact length N+1, or a tagged-field count or size (unsigned varint).</summary>
    UnsignedVarint,
}

/// <summary>One length prefix or count found in a valid frame: where it is, how it is written and what it is worth.</summary>
/// <param name="Offset">Offset of the prefix in the frame (after the size prefix).</param>
/// <param name="Width">Encoded width in bytes.</param>
/// <param name="Encoding">How the prefix is written.</param>
/// <param name="Value">The raw value on the wire (for compact lengths N+1, not N).</param>
/// <param name="MinElementSize">Smallest encoding of one element/byte it counts (for "as large as the decoder may accept").</param>
/// <param name="What">Field path, for failure messages.</param>
internal readonly record struct LengthField(int Offset, int Width, LengthEncoding Encoding, long Value, int MinElementSize, string What);

/// <summary>
/// Walks a valid request frame along its schema (independently of the decoder) and lists every length prefix, count
/// and tagged-field size in it, so the fuzzer can inflate exactly those and not only random bytes.
/// </summary>
internal static class RequestFrameLayout
{
    public static List<LengthField> LengthFields(byte[] frame)
    {
        short apiKey = BinaryPrimitives.ReadInt16BigEndian(frame);
        short version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
        var api = ApiCatalog.Get((ApiKey)apiKey);
        short headerVersion = ApiCatalog.RequestHeaderVersion(api.Key, version);
        var walker = new Walker(frame);
        walker.Struct(HeaderMessages.RequestHeader.Body, headerVersion, HeaderMessages.RequestHeader.IsFlexible(headerVersion), "Header");
        walker.Struct(api.Request.Body, version, api.Request.IsFlexible(version), api.Request.Name);
        if (walker.Position != frame.Length)
            throw new InvalidOperationException($"Layout of {api.Name} v{version} ended at {walker.Position} of {frame.Length} bytes.");
        return walker.Found;
    }

    private sealed class Walker(byte[] frame)
    {
        public List<LengthField> Found { get; } = [];

        public int Position { get; private set; }

        private static bool IsCompact(FieldSchema field, short version, bool flexible)
            => flexible && (field.FlexibleVersions is not { } own || own.Contains(version));

        public void Struct(StructSchema schema, short version, bool flexible, string path)
        {
            foreach (var field in schema.Fields)
            {
                if (field.IsTagged || !field.Versions.Contains(version))
                    continue;
                Field(field.Type, field.Struct, version, IsCompact(field, version, flexible), flexible, $"{path}.{field.Name}");
            }

            if (!flexible)
                return;
            int count = (int)Varint(0, 2, $"{path}.<tagged count>");
            for (int i = 0; i < count; i++)
            {
                uint tag = Varint(0, 0, null);
                int size = (int)Varint(0, 1, $"{path}.<tag {tag} size>");
                int end = Position + size;
                var known = schema.Fields.FirstOrDefault(f => f.IsTagged && f.Tag == tag && f.IsPresent(version, flexible: true));
                if (known is null)
                    Position = end;
                else
                    Field(known.Type, known.Struct, version, IsCompact(known, version, true), flexible: true, $"{path}.{known.Name}");
                if (Position != end)
                    throw new InvalidOperationException($"Tagged field {tag} of {path} did not fill its {size} bytes.");
            }
        }

        private void Field(FieldType type, StructSchema? structSchema, short version, bool compact, bool flexible, string path)
        {
            switch (type.Kind)
            {
                case FieldKind.String or FieldKind.Bytes or FieldKind.Records:
                    // Read first: Length moves Position past the prefix (a compound += would add to the old Position).
                    int length = Length(compact, shortLength: type.Kind == FieldKind.String, 1, path);
                    Position += Math.Max(0, length);
                    break;
                case FieldKind.Struct:
                    Struct(structSchema!, version, flexible, path);
                    break;
                case FieldKind.Array:
                    var element = type.Element!;
                    int minimum = element.Kind switch
                    {
                        FieldKind.String => compact ? 1 : 2,
                        FieldKind.Bytes => compact ? 1 : 4,
                        FieldKind.Struct => 1,
                        _ => element.FixedSize,
                    };
                    int count = Length(compact, shortLength: false, minimum, path);
                    for (int i = 0; i < count; i++)
                        Field(element, structSchema, version, compact, flexible, $"{path}[{i}]");
                    break;
                default:
                    Position += type.FixedSize;
                    break;
            }
        }

        /// <summary>Reads a length prefix, records it and returns the length it announces (-1 for null).</summary>
        private int Length(bool compact, bool shortLength, int minElementSize, string path)
        {
            if (compact)
                return (int)Varint(-1, minElementSize, path);
            int offset = Position;
            if (offset + (shortLength ? 2 : 4) > frame.Length)
                throw new InvalidOperationException($"Length of {path} at {offset} lies past the end of the {frame.Length}-byte frame.");
            int value = shortLength ? BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(offset)) : BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(offset));
            Position += shortLength ? 2 : 4;
            Found.Add(new LengthField(offset, shortLength ? 2 : 4, shortLength ? LengthEncoding.Int16 : LengthEncoding.Int32, value, minElementSize, path));
            return value;
        }

        /// <summary>Reads an unsigned varint (recorded when <paramref name="path"/> is set) and returns it plus <paramref name="bias"/>.</summary>
        private uint Varint(int bias, int minElementSize, string? path)
        {
            int offset = Position;
            if (!ActorStream.Records.Varint.TryReadUnsignedVarint(frame.AsSpan(offset), out uint value, out int read))
                throw new InvalidOperationException($"Bad varint at {offset} in a valid frame.");
            Position += read;
            if (path is not null)
                Found.Add(new LengthField(offset, read, LengthEncoding.UnsignedVarint, value, minElementSize, path));
            return (uint)(value + bias);
        }
    }
}
