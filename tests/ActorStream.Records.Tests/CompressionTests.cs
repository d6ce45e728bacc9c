using System.Text;

namespace ActorStream.Records.Tests;

public sealed class CompressionTests
{
    [Fact]
    public void Gzip_round_trip()
    {
        var options = new RecordBatchOptions { Compression = CompressionType.Gzip, BaseOffset = 10 };
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
        Assert.Equal(CompressionType.Gzip, batch.Compression);
        Assert.True(batch.IsValid);
        Assert.True(bytes.Length < builder.UncompressedSizeInBytes / 2, "repetitive records should compress");
        Assert.Equal(31, batch.RecordsBytes[0]); // gzip magic
        Assert.Equal(139, batch.RecordsBytes[1]);

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
    public void Unsupported_codec_passes_through_but_refuses_to_decode(CompressionType codec)
    {
        byte[] original = Fixtures.WithCodec(Fixtures.Build(RecordBatchOptions.Default, records: 3), codec);
        byte[] bytes = (byte[])original.Clone();

        var batch = new RecordBatch(bytes);
        Assert.Equal(codec, batch.Compression);
        Assert.True(batch.IsValid);
        Assert.Equal(3, batch.RecordCount);
        Assert.Equal(2, batch.LastOffset);

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

        UnsupportedCompressionException? error = null;
        try
        {
            stamped.GetRecords();
        }
        catch (UnsupportedCompressionException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Equal(codec, error.Codec);
        Assert.Contains(codec.ToString(), error.Message, StringComparison.Ordinal);
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
    public void Zstandard_is_not_in_the_runtime()
        => Assert.False(RecordCompression.CanDecompress(CompressionType.Zstd));
}
