using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Headers;
using ActorStream.Kafka.Protocol.Schema;

namespace ActorStream.Kafka.Tests;

/// <summary>Builds populated instances of any description at any version, driven only by the schema.</summary>
internal static class Samples
{
    /// <summary>Every (API, version, request?) the catalog advertises.</summary>
    public static IEnumerable<object[]> AllMessages()
    {
        foreach (var api in ApiCatalog.All)
        {
            for (short v = api.MinVersion; v <= api.MaxVersion; v++)
            {
                yield return [api.Key, v, true];
                yield return [api.Key, v, false];
            }
        }
    }

    public static MessageSchema Schema(ApiKey key, bool request)
        => request ? ApiCatalog.Get(key).Request : ApiCatalog.Get(key).Response;

    /// <summary>
    /// Fills every field the version carries. Variant 0 uses nulls where nullable and empty arrays; other variants
    /// use values, two-element arrays, non-default tagged fields and (flexible versions) an unknown tagged field.
    /// </summary>
    public static ProtocolStruct Populate(MessageSchema schema, short version, int variant, int seed = 1)
    {
        var random = new Random(seed + (version * 31) + variant);
        var value = schema.Create();
        Fill(value, version, schema.IsFlexible(version), variant, random, depth: 0);
        return value;
    }

    private static void Fill(ProtocolStruct value, short version, bool flexible, int variant, Random random, int depth)
    {
        foreach (var field in value.Schema.Fields)
        {
            if (!field.IsPresent(version, flexible))
                continue;
            int i = field.Index;
            bool makeNull = variant == 0 && field.IsNullable(version);
            switch (field.Kind)
            {
                case FieldKind.Int8: value.SetInt8(i, (sbyte)random.Next(-128, 128)); break;
                case FieldKind.Int16: value.SetInt16(i, (short)random.Next(short.MinValue, short.MaxValue)); break;
                case FieldKind.Int32: value.SetInt32(i, random.Next(int.MinValue, int.MaxValue)); break;
                case FieldKind.Int64: value.SetInt64(i, random.NextInt64(long.MinValue, long.MaxValue)); break;
                case FieldKind.UInt16: value.SetUInt16(i, (ushort)random.Next(0, ushort.MaxValue)); break;
                case FieldKind.UInt32: value.SetUInt32(i, (uint)random.NextInt64(0, uint.MaxValue)); break;
                case FieldKind.Float64: value.SetFloat64(i, random.NextDouble()); break;
                case FieldKind.Bool: value.SetBool(i, random.Next(2) == 1); break;
                case FieldKind.Uuid: value.SetUuid(i, new Guid(RandomBytes(random, 16))); break;
                case FieldKind.String: value.SetString(i, makeNull ? null : variant == 0 ? string.Empty : $"{field.Name}-é-{random.Next(1000)}"); break;
                case FieldKind.Bytes: value.SetBytes(i, makeNull ? null : RandomBytes(random, variant == 0 ? 0 : 7)); break;
                case FieldKind.Records: value.SetRecords(i, makeNull ? null : RandomBytes(random, variant == 0 ? 0 : 61)); break;
                case FieldKind.Struct: Fill(value.GetStruct(i), version, flexible, variant, random, depth + 1); break;
                case FieldKind.Array: FillArray(value, field, version, flexible, variant, random, depth, makeNull); break;
            }
        }

        if (flexible && variant != 0)
            value.UnknownTaggedFields.Add(new RawTaggedField(90 + depth, new byte[] { 1, 2, 3 }));
    }

    private static void FillArray(ProtocolStruct value, FieldSchema field, short version, bool flexible, int variant, Random random, int depth, bool makeNull)
    {
        int i = field.Index;
        if (makeNull)
        {
            value.SetStructs(i, null);
            if (field.Type.Element!.Kind != FieldKind.Struct)
                value.SetArray<int>(i, null);
            return;
        }

        int count = variant == 0 ? 0 : 2;
        switch (field.Type.Element!.Kind)
        {
            case FieldKind.Struct:
                var list = new List<ProtocolStruct>();
                for (int n = 0; n < count; n++)
                {
                    var element = new ProtocolStruct(field.Struct!);
                    Fill(element, version, flexible, variant, random, depth + 1);
                    list.Add(element);
                }

                value.SetStructs(i, list);
                break;
            case FieldKind.Int32: value.SetArray(i, Enumerable.Range(0, count).Select(_ => random.Next()).ToArray()); break;
            case FieldKind.Int64: value.SetArray(i, Enumerable.Range(0, count).Select(_ => random.NextInt64()).ToArray()); break;
            case FieldKind.String: value.SetArray(i, Enumerable.Range(0, count).Select(n => $"s{n}").ToArray()); break;
            default: throw new NotSupportedException(field.Type.ToString());
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A complete request frame (after the size prefix) for an API version.</summary>
    public static byte[] RequestFrame(ApiKey key, short version, int variant = 1)
    {
        var body = Populate(ApiCatalog.Get(key).Request, version, variant);
        using var writer = new ProtocolWriter();
        KafkaFrames.WriteRequest(writer, new RequestHeader(key, version, 42, "client-1"), body);
        return writer.ToArray()[KafkaFrames.SizePrefixLength..];
    }

    public static byte[] ResponseFrame(ApiKey key, short version, int variant = 1)
    {
        var body = Populate(ApiCatalog.Get(key).Response, version, variant);
        using var writer = new ProtocolWriter();
        KafkaFrames.WriteResponse(writer, key, version, 42, body);
        return writer.ToArray()[KafkaFrames.SizePrefixLength..];
    }

    public static MessageSchema RequestHeaderSchema => HeaderMessages.RequestHeader;
}
