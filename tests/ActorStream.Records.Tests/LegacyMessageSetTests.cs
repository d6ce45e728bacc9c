using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ActorStream.Records.Tests;

public sealed class LegacyMessageSetTests
{
    // ---- A small legacy writer, independent of the converter. ----

    private sealed class LegacyWriter
    {
        private readonly MemoryStream _out = new();

        public List<int> Boundaries { get; } = [];

        public LegacyWriter Message(byte magic, byte attributes, long timestamp, byte[]? key, byte[]? value, long offset = 0)
        {
            var body = new MemoryStream();
            body.WriteByte(magic);
            body.WriteByte(attributes);
            if (magic >= 1)
                WriteInt64(body, timestamp);
            WriteBytes(body, key);
            WriteBytes(body, value);
            byte[] bodyBytes = body.ToArray();

            WriteInt64(_out, offset);
            WriteInt32(_out, 4 + bodyBytes.Length);
            WriteInt32(_out, (int)Crc32Ieee.Compute(bodyBytes));
            _out.Write(bodyBytes);
            Boundaries.Add((int)_out.Length);
            return this;
        }

        public byte[] ToArray() => _out.ToArray();

        private static void WriteBytes(Stream s, byte[]? bytes)
        {
            WriteInt32(s, bytes?.Length ?? -1);
            if (bytes is not null)
                s.Write(bytes);
        }

        private static void WriteInt32(Stream s, int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, v);
            s.Write(b);
        }

        private static void WriteInt64(Stream s, long v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, v);
            s.Write(b);
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(data);
        return ms.ToArray();
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private sealed record Rec(long Offset, long Timestamp, byte[]? Key, byte[]? Value, int Headers);

    private static List<Rec> Read(byte[] batchBytes, out CompressionType compression, out TimestampType timestampType)
    {
        var batch = new RecordBatch(batchBytes);
        Assert.Equal(2, batch.Magic);
        Assert.True(batch.IsValid);
        Assert.Equal(batchBytes.Length, batch.SizeInBytes);
        Assert.Equal(0, batch.BaseOffset);
        Assert.Equal(-1, batch.ProducerId);
        compression = batch.Compression;
        timestampType = batch.TimestampType;
        var list = new List<Rec>();
        foreach (var r in batch.GetRecords())
            list.Add(new Rec(r.Offset, r.Timestamp, r.KeyToArray(), r.ValueToArray(), r.HeaderCount));
        Assert.Equal(batch.RecordCount, list.Count);
        Assert.Equal(list.Count - 1, batch.LastOffsetDelta);
        return list;
    }

    private static byte[] ThreeMagic1()
        => new LegacyWriter()
            .Message(1, 0, 1_000, B("k1"), B("v1"), offset: -1)
            .Message(1, 0, 1_005, null, B("v2"), offset: -1)
            .Message(1, 0, 990, B("k3"), null, offset: -1)
            .Message(1, 0, 2_000, B("k4"), [], offset: -1)
            .ToArray();

    // ---- CRC-32 IEEE ----

    [Fact]
    public void Crc32Ieee_known_vectors()
    {
        Assert.Equal(0xCBF43926u, Crc32Ieee.Compute("123456789"u8));
        Assert.Equal(0u, Crc32Ieee.Compute([]));
        Assert.Equal(0x414FA339u, Crc32Ieee.Compute("The quick brown fox jumps over the lazy dog"u8));
    }

    [Fact]
    public void Crc32Ieee_append_equals_whole_and_slicing_matches_bytewise()
    {
        var data = new byte[1000];
        new Random(42).NextBytes(data);
        uint whole = Crc32Ieee.Compute(data);
        for (int split = 0; split <= data.Length; split += 37)
            Assert.Equal(whole, Crc32Ieee.Append(Crc32Ieee.Compute(data.AsSpan(0, split)), data.AsSpan(split)));

        uint bytewise = 0;
        foreach (byte b in data)
            bytewise = Crc32Ieee.Append(bytewise, [b]);
        Assert.Equal(whole, bytewise);
    }

    // ---- Detection ----

    [Fact]
    public void LooksLegacy_reads_the_magic_byte()
    {
        Assert.True(LegacyMessageSet.LooksLegacy(ThreeMagic1()));
        Assert.True(LegacyMessageSet.LooksLegacy(new LegacyWriter().Message(0, 0, 0, null, B("x")).ToArray()));
        using var builder = new RecordBatchBuilder();
        builder.Append(1, B("k"), B("v"));
        Assert.False(LegacyMessageSet.LooksLegacy(builder.Build().Span));
        Assert.False(LegacyMessageSet.LooksLegacy(new byte[16]));
    }

    // ---- Conversion ----

    [Fact]
    public void Magic1_uncompressed_converts_field_by_field()
    {
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(ThreeMagic1()), out var compression, out var tsType);
        Assert.Equal(CompressionType.None, compression);
        Assert.Equal(TimestampType.CreateTime, tsType);
        Assert.Equal(4, records.Count);

        Assert.Equal(new Rec(0, 1_000, B("k1"), B("v1"), 0), records[0], RecEq.Instance);
        Assert.Equal(new Rec(1, 1_005, null, B("v2"), 0), records[1], RecEq.Instance);
        Assert.Equal(new Rec(2, 990, B("k3"), null, 0), records[2], RecEq.Instance);
        Assert.Equal(new Rec(3, 2_000, B("k4"), [], 0), records[3], RecEq.Instance);
        Assert.NotNull(records[3].Value); // empty, not null

        var batch = new RecordBatch(LegacyMessageSet.ConvertToRecordBatch(ThreeMagic1()));
        Assert.Equal(2_000, batch.MaxTimestamp);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1_700_000_000_000L)]
    public void Magic0_uses_the_no_timestamp_value(long noTimestamp)
    {
        var set = new LegacyWriter()
            .Message(0, 0, 0, B("a"), B("1"))
            .Message(0, 0, 0, null, null)
            .Message(0, 0, 0, [], B("3"))
            .ToArray();
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set, noTimestamp), out var compression, out var tsType);
        Assert.Equal(CompressionType.None, compression);
        Assert.Equal(TimestampType.CreateTime, tsType);
        Assert.Equal(3, records.Count);
        Assert.Equal(new Rec(0, noTimestamp, B("a"), B("1"), 0), records[0], RecEq.Instance);
        Assert.Equal(new Rec(1, noTimestamp, null, null, 0), records[1], RecEq.Instance);
        Assert.Equal(new Rec(2, noTimestamp, [], B("3"), 0), records[2], RecEq.Instance);
    }

    [Fact]
    public void Mixed_magic0_and_magic1_messages_convert()
    {
        var set = new LegacyWriter()
            .Message(0, 0, 0, B("old"), B("x"))
            .Message(1, 0, 77, B("new"), B("y"))
            .ToArray();
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set, 5), out _, out _);
        Assert.Equal(5, records[0].Timestamp);
        Assert.Equal(77, records[1].Timestamp);
    }

    private static byte[] GzipWrapper(byte magic, bool logAppendTime, long wrapperTimestamp, int count, long firstInnerOffset = 0)
    {
        var inner = new LegacyWriter();
        for (int i = 0; i < count; i++)
            inner.Message(magic, 0, 100 + i, i == 1 ? null : B($"key-{i}"), i == 2 ? null : B($"value-{i}"), offset: firstInnerOffset + i);
        byte attributes = (byte)(1 | (logAppendTime ? 0x08 : 0));
        return new LegacyWriter().Message(magic, attributes, wrapperTimestamp, null, Gzip(inner.ToArray()), offset: count - 1).ToArray();
    }

    [Fact]
    public void Gzip_wrapper_magic1_with_relative_offsets_converts_to_gzip_batch()
    {
        var set = GzipWrapper(1, logAppendTime: false, wrapperTimestamp: 104, count: 5);
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set), out var compression, out var tsType);
        Assert.Equal(CompressionType.Gzip, compression);
        Assert.Equal(TimestampType.CreateTime, tsType);
        Assert.Equal(5, records.Count);
        for (int i = 0; i < 5; i++)
        {
            var expected = new Rec(i, 100 + i, i == 1 ? null : B($"key-{i}"), i == 2 ? null : B($"value-{i}"), 0);
            Assert.Equal(expected, records[i], RecEq.Instance);
        }
    }

    [Fact]
    public void Gzip_wrapper_magic0_with_absolute_offsets_converts()
    {
        var set = GzipWrapper(0, logAppendTime: false, wrapperTimestamp: 0, count: 3, firstInnerOffset: 1_000);
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set, 9), out var compression, out _);
        Assert.Equal(CompressionType.Gzip, compression);
        Assert.Equal([0L, 1, 2], records.Select(r => r.Offset));
        Assert.All(records, r => Assert.Equal(9, r.Timestamp));
    }

    [Fact]
    public void LogAppendTime_wrapper_overrides_inner_timestamps()
    {
        var set = GzipWrapper(1, logAppendTime: true, wrapperTimestamp: 5_000, count: 3);
        byte[] converted = LegacyMessageSet.ConvertToRecordBatch(set);
        var records = Read(converted, out _, out var tsType);
        Assert.Equal(TimestampType.LogAppendTime, tsType);
        Assert.Equal(5_000, new RecordBatch(converted).MaxTimestamp);
        Assert.All(records, r => Assert.Equal(5_000, r.Timestamp));
    }

    [Fact]
    public void Uncompressed_and_gzip_entries_in_one_set_convert_in_order()
    {
        var set = new LegacyWriter().Message(1, 0, 1, B("first"), B("a")).ToArray()
            .Concat(GzipWrapper(1, false, 102, 3))
            .Concat(new LegacyWriter().Message(1, 0, 7, B("last"), B("z")).ToArray())
            .ToArray();
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set), out var compression, out _);
        Assert.Equal(CompressionType.Gzip, compression);
        Assert.Equal(5, records.Count);
        Assert.Equal(B("first"), records[0].Key);
        Assert.Equal(B("key-0"), records[1].Key);
        Assert.Equal(B("last"), records[4].Key);
        Assert.Equal([0L, 1, 2, 3, 4], records.Select(r => r.Offset));
    }

    [Fact]
    public void Mixed_timestamp_types_are_rejected()
    {
        var set = new LegacyWriter().Message(1, 0x08, 10, null, B("lat")).Message(1, 0, 10, null, B("ct")).ToArray();
        Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(set));
    }

    // ---- Golden: kafkajs Produce v2 request fixtures (src/protocol/requests/produce/fixtures). ----

    private static readonly byte[] KafkajsProduceV2 =
    [
        255, 255, 0, 0, 117, 48, 0, 0, 0, 1, 0, 31, 116, 101, 115, 116, 45, 116, 111, 112, 105, 99, 45, 57, 102, 56, 50, 53, 99, 51, 102, 54, 48, 98, 98, 48, 98, 52, 100, 98, 53, 56, 51, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 11,
        255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 77, 241, 235, 28, 242, 1, 0, 0, 0, 1, 95, 136, 62, 43, 57, 0, 0, 0, 24, 107, 101, 121, 45, 98, 98, 50, 53, 50, 97, 101, 53, 56, 48, 49, 56, 56, 51, 99, 49, 50, 98, 98, 100, 0, 0, 0, 31, 115, 111, 109, 101, 45, 118, 97, 108, 117, 101, 45, 49, 48, 51, 52, 48, 99, 54, 51, 50, 57, 102, 56, 98, 98, 102, 53, 98, 52, 97, 50,
        255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 77, 184, 216, 148, 190, 1, 0, 0, 0, 1, 95, 136, 62, 43, 57, 0, 0, 0, 24, 107, 101, 121, 45, 56, 97, 49, 52, 101, 55, 51, 97, 56, 56, 101, 57, 51, 102, 55, 99, 51, 97, 51, 57, 0, 0, 0, 31, 115, 111, 109, 101, 45, 118, 97, 108, 117, 101, 45, 52, 102, 97, 57, 49, 53, 49, 51, 98, 102, 102, 98, 99, 99, 48, 101, 51, 52, 98, 51,
        255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 77, 172, 60, 213, 212, 1, 0, 0, 0, 1, 95, 136, 62, 43, 57, 0, 0, 0, 24, 107, 101, 121, 45, 49, 56, 51, 97, 50, 100, 56, 101, 98, 51, 54, 56, 51, 102, 48, 56, 48, 98, 56, 50, 0, 0, 0, 31, 115, 111, 109, 101, 45, 118, 97, 108, 117, 101, 45, 57, 51, 56, 97, 102, 99, 102, 49, 102, 50, 101, 102, 48, 52, 51, 57, 99, 55, 53, 50,
    ];

    private static readonly byte[] KafkajsProduceV2GzipLinux =
    [
        255, 255, 0, 0, 117, 48, 0, 0, 0, 1, 0, 31, 116, 101, 115, 116, 45, 116, 111, 112, 105, 99, 45, 98, 99, 54, 55, 52, 99, 51, 48, 53, 55, 50, 101, 56, 100, 101, 100, 56, 56, 54, 97, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 224,
        255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 212, 41, 157, 217, 46, 1, 1, 0, 0, 1, 95, 136, 62, 43, 57, 255, 255, 255, 255, 0, 0, 0, 190, 31, 139, 8, 0, 0, 0, 0, 0, 0, 3, 101, 204, 189, 9, 2, 65, 16, 134, 225, 211, 200, 2, 12, 204, 44, 64, 14, 118, 103, 157, 217, 221, 196, 6, 196, 26, 100, 118, 118, 54, 241, 23, 68, 193, 14, 76, 180, 18, 43, 177, 17, 99, 43, 56, 15, 76, 228, 238, 139, 94, 248, 224, 105, 154, 223, 170, 170, 90, 189, 247, 195, 241, 160, 141, 193, 250, 182, 152, 197, 54, 38, 27, 189, 214, 17, 201, 152, 2, 2, 222, 56, 6, 7, 62, 5, 104, 191, 233, 233, 176, 211, 250, 194, 219, 179, 214, 0, 96, 56, 89, 178, 165, 120, 182, 57, 162, 6, 219, 252, 193, 203, 207, 99, 212, 135, 41, 38, 137, 214, 115, 22, 102, 3, 32, 62, 217, 208, 129, 85, 145, 131, 186, 130, 145, 24, 20, 125, 148, 0, 255, 240, 241, 254, 124, 245, 225, 140, 138, 6, 125, 102, 33, 138, 74, 152, 132, 230, 29, 216, 128, 206, 213, 5, 143, 25, 179, 228, 64, 236, 138, 251, 2, 102, 233, 81, 168, 11, 1, 0, 0,
    ];

    /// <summary>Produce v0-v2 request: acks, timeout, [topic [partition, message set size, message set]]; one of each.</summary>
    private static byte[] MessageSetOf(byte[] request)
    {
        int topicLength = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(10));
        int p = 12 + topicLength + 4 + 4; // topic, partition count, partition
        int size = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(p));
        Assert.Equal(request.Length - p - 4, size);
        return request.AsSpan(p + 4, size).ToArray();
    }

    [Fact]
    public void Golden_kafkajs_produce_v2_uncompressed()
    {
        var set = MessageSetOf(KafkajsProduceV2);
        Assert.True(LegacyMessageSet.LooksLegacy(set));
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set), out var compression, out var tsType);
        Assert.Equal(CompressionType.None, compression);
        Assert.Equal(TimestampType.CreateTime, tsType);
        string[] keys = ["key-bb252ae5801883c12bbd", "key-8a14e73a88e93f7c3a39", "key-183a2d8eb3683f080b82"];
        string[] values = ["some-value-10340c6329f8bbf5b4a2", "some-value-4fa91513bffbcc0e34b3", "some-value-938afcf1f2ef0439c752"];
        Assert.Equal(3, records.Count);
        for (int i = 0; i < 3; i++)
            Assert.Equal(new Rec(i, 1509819296569, B(keys[i]), B(values[i]), 0), records[i], RecEq.Instance);
    }

    [Fact]
    public void Golden_kafkajs_produce_v2_gzip()
    {
        var set = MessageSetOf(KafkajsProduceV2GzipLinux);
        var records = Read(LegacyMessageSet.ConvertToRecordBatch(set), out var compression, out var tsType);
        Assert.Equal(CompressionType.Gzip, compression);
        Assert.Equal(TimestampType.CreateTime, tsType);
        Assert.Equal(3, records.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i, records[i].Offset);
            Assert.Equal(1509819296569, records[i].Timestamp);
            Assert.StartsWith("key-", Encoding.UTF8.GetString(records[i].Key!), StringComparison.Ordinal);
            Assert.StartsWith("some-value-", Encoding.UTF8.GetString(records[i].Value!), StringComparison.Ordinal);
        }
    }

    // ---- Corruption ----

    [Fact]
    public void Flipping_any_message_byte_is_a_crc_error()
    {
        var set = ThreeMagic1();
        var writer = new LegacyWriter().Message(1, 0, 1_000, B("k1"), B("v1"));
        int messageEnd = writer.Boundaries[0];
        for (int i = 12; i < messageEnd; i++)
        {
            var copy = (byte[])set.Clone();
            copy[i] ^= 0x20;
            var e = Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(copy));
            Assert.Contains("CRC", e.Reason, StringComparison.Ordinal);
            Assert.Equal(12, e.Position);
        }
    }

    public static TheoryData<string> ValidSets => new() { "magic1", "magic0", "gzip", "kafkajs", "kafkajs-gzip" };

    private static (byte[] Set, HashSet<int> Boundaries) Named(string name)
    {
        switch (name)
        {
            case "magic1":
                {
                    var w = new LegacyWriter().Message(1, 0, 1, B("k"), B("v")).Message(1, 0, 2, null, []).Message(1, 0, 3, [], null);
                    return (w.ToArray(), [.. w.Boundaries]);
                }

            case "magic0":
                {
                    var w = new LegacyWriter().Message(0, 0, 0, B("k"), B("v")).Message(0, 0, 0, null, null);
                    return (w.ToArray(), [.. w.Boundaries]);
                }

            case "gzip":
                {
                    var set = GzipWrapper(1, false, 104, 5);
                    return (set, [set.Length]);
                }

            case "kafkajs":
                {
                    var set = MessageSetOf(KafkajsProduceV2);
                    return (set, [89, 178, 267]);
                }

            default:
                {
                    var set = MessageSetOf(KafkajsProduceV2GzipLinux);
                    return (set, [set.Length]);
                }
        }
    }

    [Theory]
    [MemberData(nameof(ValidSets))]
    public void Truncation_at_every_byte_is_corrupt_except_at_message_boundaries(string name)
    {
        var (set, boundaries) = Named(name);
        int total = Read(LegacyMessageSet.ConvertToRecordBatch(set), out _, out _).Count;
        Assert.True(total > 0);
        for (int cut = 0; cut < set.Length; cut++)
        {
            var truncated = set.AsSpan(0, cut).ToArray();
            if (boundaries.Contains(cut))
            {
                Assert.NotEmpty(Read(LegacyMessageSet.ConvertToRecordBatch(truncated), out _, out _));
                continue;
            }

            var e = Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(truncated));
            Assert.InRange(e.Position, 0, cut);
        }
    }

    [Theory]
    [MemberData(nameof(ValidSets))]
    public void Random_corruption_only_ever_raises_CorruptRecordException(string name)
    {
        var (set, _) = Named(name);
        var random = new Random(name.Length);
        for (int round = 0; round < 2_000; round++)
        {
            var copy = (byte[])set.Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            try
            {
                var records = Read(LegacyMessageSet.ConvertToRecordBatch(copy), out _, out _);
                Assert.NotEmpty(records);
            }
            catch (CorruptRecordException)
            {
            }
        }
    }

    private static byte[] Resigned(byte[] body)
    {
        // Builds one entry around an arbitrary message body (magic onwards), with a correct CRC.
        var set = new byte[12 + 4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(set.AsSpan(8), 4 + body.Length);
        BinaryPrimitives.WriteUInt32BigEndian(set.AsSpan(12), Crc32Ieee.Compute(body));
        body.CopyTo(set, 16);
        return set;
    }

    private static CorruptRecordException AssertCorrupt(byte[] set, string reasonPart)
    {
        var e = Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(set));
        Assert.Contains(reasonPart, e.Reason, StringComparison.Ordinal);
        Assert.True(e.Position >= 0);
        return e;
    }

    [Fact]
    public void Structural_errors_are_reported_with_reason_and_position()
    {
        AssertCorrupt([], "empty");
        AssertCorrupt(Resigned([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]), "magic 2");
        AssertCorrupt(Resigned([0, 0, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 0]), "invalid key length -2");
        AssertCorrupt(Resigned([0, 0, 0, 0, 0, 9, 0, 0, 0, 0]), "key length 9 runs past");
        AssertCorrupt(Resigned([0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1, 0]), "value length 256 runs past");
        AssertCorrupt(Resigned([0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 7]), "1 unexpected bytes");
        AssertCorrupt(Resigned([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), "magic 1 message size");
        AssertCorrupt(Resigned([1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "invalid timestamp -2");
        AssertCorrupt(Resigned([0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]), "unknown compression codec id 7");
        AssertCorrupt(Resigned([0, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]), "zstd");
        AssertCorrupt(Resigned([0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "null value");
        AssertCorrupt(Resigned([0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 3, 1, 2, 3]), "corrupt");

        var size = ThreeMagic1();
        BinaryPrimitives.WriteInt32BigEndian(size.AsSpan(8), 13);
        Assert.Equal(8, AssertCorrupt(size, "below the minimum").Position);
        BinaryPrimitives.WriteInt32BigEndian(size.AsSpan(8), int.MaxValue);
        Assert.Equal(8, AssertCorrupt(size, "runs past the end").Position);
        BinaryPrimitives.WriteInt32BigEndian(size.AsSpan(8), -1);
        AssertCorrupt(size, "below the minimum");
    }

    [Fact]
    public void Wrapper_errors_name_the_wrapper_position()
    {
        // Nested wrapper: the inner message is itself gzip-compressed.
        var innermost = new LegacyWriter().Message(1, 0, 1, null, B("x")).ToArray();
        var nested = new LegacyWriter().Message(1, 1, 1, null, Gzip(innermost)).ToArray();
        var prefix = new LegacyWriter().Message(1, 0, 1, null, B("plain")).ToArray();
        var set = prefix.Concat(new LegacyWriter().Message(1, 1, 1, null, Gzip(nested)).ToArray()).ToArray();
        var e = AssertCorrupt(set, "nested compressed message");
        Assert.Equal(prefix.Length + 12, e.Position);

        // Inner magic differs from the wrapper's.
        var magic0Inner = new LegacyWriter().Message(0, 0, 0, null, B("x")).ToArray();
        AssertCorrupt(new LegacyWriter().Message(1, 1, 1, null, Gzip(magic0Inner)).ToArray(), "differs from the wrapper");

        // Empty inner set, and an inner set with a bad CRC.
        AssertCorrupt(new LegacyWriter().Message(1, 1, 1, null, []).ToArray(), "empty value");
        var emptyGzip = new MemoryStream();
        using (var gz = new GZipStream(emptyGzip, CompressionLevel.Optimal, leaveOpen: true))
            gz.WriteByte(0);
        byte[] gzOfOneZero = emptyGzip.ToArray();
        AssertCorrupt(new LegacyWriter().Message(1, 1, 1, null, gzOfOneZero).ToArray(), "truncated entry");
        // A complete gzip member of zero bytes (header, empty final deflate block, CRC 0, size 0).
        byte[] gzOfNothing = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        AssertCorrupt(new LegacyWriter().Message(1, 1, 1, null, gzOfNothing).ToArray(), "no messages");
        var badCrc = new LegacyWriter().Message(1, 0, 1, null, B("x")).ToArray();
        badCrc[^1] ^= 1;
        AssertCorrupt(new LegacyWriter().Message(1, 1, 1, null, Gzip(badCrc)).ToArray(), "CRC mismatch");
    }

    [Fact]
    public void Decompression_is_bounded()
    {
        var big = new LegacyWriter().Message(1, 0, 1, null, new byte[100_000]).ToArray();
        var set = new LegacyWriter().Message(1, 1, 1, null, Gzip(big)).ToArray();
        Assert.Single(Read(LegacyMessageSet.ConvertToRecordBatch(set), out _, out _));
        var e = Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(set, maxDecompressedBytes: 50_000));
        Assert.Contains("limit of 50000", e.Reason, StringComparison.Ordinal);
        Assert.Equal(12, e.Position);

        // The bound is on the total over all wrappers.
        var twice = set.Concat(set).ToArray();
        Assert.Equal(2, Read(LegacyMessageSet.ConvertToRecordBatch(twice, maxDecompressedBytes: 2 * big.Length), out _, out _).Count);
        Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(twice, maxDecompressedBytes: (2 * big.Length) - 1));
    }

    // kafka-python 2.0.2's LegacyRecordBatchBuilder: three messages k{i} = "value-{i}" x 3 (timestamps 1000+i for magic 1)
    // in one compressed wrapper. Its magic-0 lz4 frame has the old, wrong header checksum (lz4_encode_old_kafka).
    private const string Lz4V0 =
        "00000000000000000000007d5c5627740003ffffffff0000006f04224d1860401a6000000016000100512510eb35fb0f00ea026b300000001576616c75652d300700012100b000000100000025f5a0788c0d004600026b3131001231310004070001210030000002310040010ca9540d004600026b32310012323100803276616c75652d3200000000";

    private const string Lz4V1 =
        "00000000000000000000009992b4f56801030000000000000000ffffffff0000008304224d186840ab000000000000007a6c00000016000100632df1128b02011000fa0403e8000000026b300000001576616c75652d300700032800003000502de583c3df09000002002103e939001631390012313900040700002500002300850000002dd8301ab8390010ea1600266b32390012323900803276616c75652d3200000000";

    private const string SnappyV0 =
        "00000000000000000000008675b3cb4a0002ffffffff0000007882534e4150505900000000010000000100000064930100001901102510eb35fb050f34026b300000001576616c75652d3036070005212800000100000025f5a0788c05100c026b3100153100310931110705212800000200000025010ca95405100c026b32001531383276616c75652d3276616c75652d32";

    private const string SnappyV1 =
        "0000000000000000000000965c85694401020000000000000000ffffffff0000008082534e415050590000000001000000010000006cab0100001901142df1128b02010d104803e8000000026b300000001576616c75652d303607000d280130102de583c3df010901010403e9053900311939003109391107012501231c0000002dd8301ab8153900ea0116086b32001572383276616c75652d3276616c75652d32";

    [Theory]
    [InlineData(Lz4V0, CompressionType.Lz4, 0)]
    [InlineData(Lz4V1, CompressionType.Lz4, 1)]
    [InlineData(SnappyV0, CompressionType.Snappy, 0)]
    [InlineData(SnappyV1, CompressionType.Snappy, 1)]
    public void Snappy_and_lz4_wrappers_from_kafka_python_convert_in_their_codec(string hex, CompressionType codec, byte magic)
    {
        var batch = LegacyMessageSet.ConvertToRecordBatch(Convert.FromHexString(hex));
        var records = Read(batch, out var compression, out _);
        Assert.Equal(codec, compression);
        Assert.Equal(3, records.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i, records[i].Offset);
            Assert.Equal(magic == 1 ? 1000 + i : RecordBatchLayout.NoTimestamp, records[i].Timestamp);
            Assert.Equal($"k{i}", Encoding.UTF8.GetString(records[i].Key!));
            Assert.Equal(string.Concat(Enumerable.Repeat($"value-{i}", 3)), Encoding.UTF8.GetString(records[i].Value!));
        }
    }

    [Fact]
    public void A_compressed_wrapper_inflating_past_the_budget_is_corrupt()
    {
        var error = Assert.Throws<CorruptRecordException>(() => LegacyMessageSet.ConvertToRecordBatch(Convert.FromHexString(SnappyV1), maxDecompressedBytes: 50));
        Assert.Contains("beyond the limit of 50", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 0x02CC5D05u)]
    [InlineData("abc", 0x32D153FFu)]
    [InlineData("0123456789abcdefghij", 0x35600916u)] // past one 16-byte stripe
    public void XxHash32_matches_the_reference(string text, uint expected)
        => Assert.Equal(expected, Compression.XxHash32.Hash(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Bad_arguments_are_argument_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacyMessageSet.ConvertToRecordBatch(ThreeMagic1(), noTimestampValue: -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => LegacyMessageSet.ConvertToRecordBatch(ThreeMagic1(), maxDecompressedBytes: -1));
    }

    private sealed class RecEq : IEqualityComparer<Rec>
    {
        public static RecEq Instance { get; } = new();

        public bool Equals(Rec? x, Rec? y)
            => x is not null && y is not null && x.Offset == y.Offset && x.Timestamp == y.Timestamp && x.Headers == y.Headers
                && Same(x.Key, y.Key) && Same(x.Value, y.Value);

        public int GetHashCode(Rec obj) => obj.Offset.GetHashCode();

        private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
    }
}
