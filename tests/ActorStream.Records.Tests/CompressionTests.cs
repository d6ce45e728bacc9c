using System.Text;

namespace ActorStream.Records.Tests;

public sealed class CompressionTests
{
    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Every_codec_round_trips_a_batch(CompressionType codec)
    {
        Assert.True(RecordCompression.CanDecompress(codec), $"{codec}: the test machine has liblz4 and libzstd (Debian liblz4-1, libzstd1)");
        var options = new RecordBatchOptions { Compression = codec, BaseOffset = 10 };
        using var builder = new RecordBatchBuilder(options);
        for (int i = 0; i < 1000; i++)
        {
            builder.Append(
                1_000 + i,
                Encoding.UTF8.GetBytes($"key-{i}"),
                i % 10 == 0 ? null : Encoding.UTF8.GetBytes($"value-{i}-{new string('x', i % 50)}"),
                i % 3 == 0 ? [new RecordHeader("n", BitConverter.GetBytes(i))] : default);
        }

        var bytes = builder.Build();
        var batch = new RecordBatch(bytes.Span);
        Assert.Equal(codec, batch.Compression);
        Assert.True(batch.IsValid);
        Assert.True(bytes.Length < builder.UncompressedSizeInBytes / 2, "repetitive records should compress");
        byte[] magic = codec switch
        {
            CompressionType.Gzip => [0x1F, 0x8B],
            CompressionType.Snappy => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0], // xerial, as Java writes
            CompressionType.Lz4 => [0x04, 0x22, 0x4D, 0x18],
            _ => [0x28, 0xB5, 0x2F, 0xFD],
        };
        Assert.Equal(magic, batch.RecordsBytes[..magic.Length].ToArray());

        int i2 = 0;
        foreach (var record in batch.GetRecords())
        {
            Assert.Equal(10 + i2, record.Offset);
            Assert.Equal(1_000 + i2, record.Timestamp);
            Assert.Equal($"key-{i2}", Encoding.UTF8.GetString(record.Key));
            if (i2 % 10 == 0)
                Assert.True(record.IsValueNull);
            else
                Assert.Equal($"value-{i2}-{new string('x', i2 % 50)}", Encoding.UTF8.GetString(record.Value));
            Assert.Equal(i2 % 3 == 0 ? 1 : 0, record.HeaderCount);
            i2++;
        }

        Assert.Equal(1000, i2);
    }

    [Theory]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void A_compressed_batch_is_stamped_by_the_broker_without_touching_its_records(CompressionType codec)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = codec });
        for (int i = 0; i < 3; i++)
            builder.Append(1_000 + i, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}"));
        byte[] original = builder.ToArray();
        byte[] bytes = (byte[])original.Clone();

        // What the broker does with it: assign offsets and epoch, stamp append time, store it.
        RecordBatch.SetBaseOffset(bytes, 500);
        RecordBatch.SetPartitionLeaderEpoch(bytes, 4);
        RecordBatch.SetLogAppendTime(bytes, 123_456);
        var stamped = new RecordBatch(bytes);
        Assert.True(stamped.IsValid);
        Assert.Equal(codec, stamped.Compression);
        Assert.Equal(502, stamped.LastOffset);
        Assert.Equal(original.AsSpan(61).ToArray(), stamped.RecordsBytes.ToArray());
        Assert.True(RecordBatchScanner.Scan(bytes).IsComplete);
        var offsets = new List<long>();
        foreach (var record in stamped.GetRecords())
            offsets.Add(record.Offset);
        Assert.Equal([500L, 501, 502], offsets);
    }

    // The same 736 bytes ("ActorStream " x 40, then bytes 0..255) as the clients' own libraries compress them
    // (python-snappy, kafka-python's xerial framing with 128-byte blocks, python-lz4's frame, python-zstandard
    // without a content size, as a streaming Java producer writes it).
    private static byte[] Payload => [.. Enumerable.Repeat(Encoding.ASCII.GetBytes("ActorStream "), 40).SelectMany(b => b), .. Enumerable.Range(0, 256).Select(i => (byte)i)];

    private const string Raw =
        "e0052c4163746f7253747265616d20fe0c00fe0c00fe0c00fe0c00fe0c00fe0c00fe0c004e0c00f0ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    private const string Xerial =
        "82534e415050590000000001000000010000001580012c4163746f7253747265616d20fe0c00ce0c000000001580012c65616d204163746f72537472fe0c00ce0c000000001580012c7253747265616d204163746ffe0c00ce0c000000003680012c4163746f7253747265616d20fe0c004e0c007c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f000000848001f07f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f0000006360f05fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    private const string Lz4Frame =
        "04224d186840e0020000000000006613010000cf4163746f7253747265616d200c00ffc2f0f1000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00000000";

    private const string ZstdFrame =
        "28b52ffd0000a50800c4104163746f7253747265616d20000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0100d1574b12";

    public static TheoryData<CompressionType, string> ClientCompressed => new()
    {
        { CompressionType.Snappy, Raw },
        { CompressionType.Snappy, Xerial },
        { CompressionType.Lz4, Lz4Frame },
        { CompressionType.Zstd, ZstdFrame },
    };

    [Theory]
    [MemberData(nameof(ClientCompressed))]
    public void Data_compressed_by_the_clients_libraries_decodes(CompressionType codec, string fixture)
    {
        using var records = RecordCompression.Decompress(codec, Convert.FromHexString(fixture));
        Assert.Equal(Payload, records.Span.ToArray());
    }

    [Theory]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Truncated_or_damaged_data_is_corrupt_records_never_a_crash(CompressionType codec)
    {
        var output = new PooledBuffer(256);
        RecordCompression.Compress(codec, Payload, output);
        byte[] compressed = output.WrittenSpan.ToArray();
        output.Dispose();
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] damaged = i % 2 == 0 ? compressed[..random.Next(compressed.Length)] : (byte[])compressed.Clone();
            if (i % 2 == 1)
                damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);
            try
            {
                using var records = RecordCompression.Decompress(codec, damaged);
                Assert.True(records.Span.Length <= 64 * Payload.Length, "a damaged block never decodes to a flood");
            }
            catch (CorruptRecordException)
            {
                // refused, as it should be
            }
        }
    }

    [Fact]
    public void Unknown_codec_id_is_corruption()
    {
        byte[] bytes = Fixtures.WithCodec(Fixtures.Build(RecordBatchOptions.Default, records: 1), (CompressionType)6);
        var batch = new RecordBatch(bytes);
        Assert.True(batch.IsValid);

        CorruptRecordException? error = null;
        try
        {
            batch.GetRecords();
        }
        catch (CorruptRecordException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Contains("unknown compression codec id 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_gzip_data_is_reported_as_corrupt_records()
    {
        byte[] bytes = (byte[])Fixtures.KafkajsGzipBatch.Clone();
        bytes[61 + 12] ^= 0xFF; // inside the deflate stream
        bytes[61 + 13] ^= 0xFF;
        Fixtures.FixCrc(bytes);

        Exception? error = null;
        try
        {
            foreach (var record in new RecordBatch(bytes).GetRecords())
                _ = record.Offset;
        }
        catch (CorruptRecordException e)
        {
            error = e;
        }

        Assert.IsType<CorruptRecordException>(error);
    }

    [Fact]
    public void A_snappy_literal_claiming_two_gigabytes_is_corrupt_not_a_crash()
    {
        // Length varint 5, then a literal tag with a 4-byte length of 0x7FFFFFFF (+1 overflows an int).
        byte[] block = [5, 63 << 2, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5];
        var error = Assert.Throws<CorruptRecordException>(() => RecordCompression.Decompress(CompressionType.Snappy, block).Dispose());
        Assert.Contains("snappy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void A_batch_that_inflates_past_the_limit_is_corrupt_before_it_takes_the_memory(CompressionType codec)
    {
        var output = new PooledBuffer(256);
        RecordCompression.Compress(codec, new byte[4 * 1024 * 1024], output); // 4 MiB of zeros: a few KiB compressed
        byte[] bomb = output.WrittenSpan.ToArray();
        output.Dispose();
        var error = Assert.Throws<CorruptRecordException>(() => RecordCompression.Decompress(codec, bomb, maxBytes: 1024 * 1024).Dispose());
        Assert.Contains("limit of 1048576 bytes", error.Message, StringComparison.Ordinal);
        using var whole = RecordCompression.Decompress(codec, bomb);
        Assert.Equal(4 * 1024 * 1024, whole.Span.Length);
    }

    [Fact]
    public void Snappy_copies_may_overlap_their_own_output()
    {
        // "ab" then a copy of 10 bytes from 2 back: "abababababab".
        byte[] block = [12, 1 << 2, (byte)'a', (byte)'b', ((10 - 4) << 2) | 1, 2];
        using var records = RecordCompression.Decompress(CompressionType.Snappy, block);
        Assert.Equal("abababababab", Encoding.ASCII.GetString(records.Span));
    }
}
