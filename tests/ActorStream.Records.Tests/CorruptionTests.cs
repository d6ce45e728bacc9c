using System.Buffers.Binary;

namespace ActorStream.Records.Tests;

public sealed class CorruptionTests
{
    private static CorruptRecordException Catch(Action action)
        => Assert.Throws<CorruptRecordException>(action);

    [Fact]
    public void Any_flipped_byte_in_the_crc_range_fails_validation_naming_the_crc_field()
    {
        byte[] good = Fixtures.Build(RecordBatchOptions.Default, records: 5);
        for (int position = RecordBatchLayout.CrcOffset; position < good.Length; position++)
        {
            byte[] bytes = (byte[])good.Clone();
            bytes[position] ^= 0x10;
            var batch = new RecordBatch(bytes);

            Assert.False(batch.IsValid);
            var e = Catch(() => new RecordBatch(bytes).ValidateCrc());
            Assert.Equal(RecordBatchLayout.CrcOffset, e.Position);
            Assert.Contains("CRC mismatch", e.Message, StringComparison.Ordinal);
            Assert.Contains($"position {RecordBatchLayout.CrcOffset}", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bad_magic_is_reported_at_the_magic_byte()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 1);
        bytes[RecordBatchLayout.MagicOffset] = 1;

        var e = Catch(() => _ = new RecordBatch(bytes));
        Assert.Equal(RecordBatchLayout.MagicOffset, e.Position);
        Assert.Contains("bad magic 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(48)]
    [InlineData(-7)]
    public void Length_below_the_minimum_is_rejected(int length)
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 1);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(RecordBatchLayout.LengthOffset), length);

        var e = Catch(() => _ = new RecordBatch(bytes));
        Assert.Equal(RecordBatchLayout.LengthOffset, e.Position);
        Assert.Contains("below the minimum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_past_the_buffer_is_rejected()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 2);

        var e = Catch(() => _ = new RecordBatch(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Contains("runs past the end", e.Message, StringComparison.Ordinal);

        e = Catch(() => _ = new RecordBatch(bytes.AsSpan(0, 30)));
        Assert.Contains("fewer than the 61-byte batch header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_is_readable_without_decoding_garbage_records()
    {
        byte[] bytes = Fixtures.Build(new RecordBatchOptions { BaseOffset = 40, ProducerId = 8 }, records: 3);
        new Random(3).NextBytes(bytes.AsSpan(RecordBatchLayout.RecordsOffset));

        var batch = new RecordBatch(bytes);
        Assert.Equal(40, batch.BaseOffset);
        Assert.Equal(42, batch.LastOffset);
        Assert.Equal(3, batch.RecordCount);
        Assert.Equal(8, batch.ProducerId);
        Assert.Equal(bytes.Length, batch.SizeInBytes);
        Assert.False(batch.IsValid);
    }

    [Fact]
    public void Malformed_record_with_valid_crc_throws_with_position()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 2);
        bytes[RecordBatchLayout.RecordsOffset] = 0x01; // record length varint -1
        Fixtures.FixCrc(bytes);
        Assert.True(new RecordBatch(bytes).IsValid);

        var e = Catch(() => Drain(bytes));
        Assert.Equal(RecordBatchLayout.RecordsOffset, e.Position);
        Assert.Contains("record 0: record length -1 out of range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_length_disagreeing_with_its_fields_is_detected()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 2, keySize: 8, valueSize: 32);
        int declared = Varint.ReadVarint(bytes.AsSpan(RecordBatchLayout.RecordsOffset), out _);
        bytes[RecordBatchLayout.RecordsOffset] = 0x7E; // 63: still inside the batch, but longer than the fields
        Fixtures.FixCrc(bytes);

        var e = Catch(() => Drain(bytes));
        Assert.Contains($"record declares 63 bytes but its fields take {declared}", e.Message, StringComparison.Ordinal);
        Assert.Equal(RecordBatchLayout.RecordsOffset + 1 + declared, e.Position);
    }

    [Fact]
    public void Record_count_disagreeing_with_the_bytes_is_detected()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 3);

        byte[] fewer = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32BigEndian(fewer.AsSpan(RecordBatchLayout.RecordsCountOffset), 2);
        var e = Catch(() => Drain(fewer));
        Assert.Contains("remain after the 2 records", e.Message, StringComparison.Ordinal);

        byte[] more = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32BigEndian(more.AsSpan(RecordBatchLayout.RecordsCountOffset), 4);
        e = Catch(() => Drain(more));
        Assert.Contains("records end after 3 of the 4", e.Message, StringComparison.Ordinal);

        byte[] negative = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32BigEndian(negative.AsSpan(RecordBatchLayout.RecordsCountOffset), -1);
        e = Catch(() => Drain(negative));
        Assert.Equal(RecordBatchLayout.RecordsCountOffset, e.Position);
    }

    [Fact]
    public void Random_garbage_in_records_never_escapes_as_anything_but_CorruptRecordException()
    {
        var random = new Random(99);
        byte[] good = Fixtures.Build(RecordBatchOptions.Default, records: 6, keySize: 3, valueSize: 5);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes = (byte[])good.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
                bytes[random.Next(RecordBatchLayout.RecordsOffset, bytes.Length)] = (byte)random.Next(256);

            try
            {
                Drain(bytes);
            }
            catch (CorruptRecordException)
            {
            }
        }
    }

    private static void Drain(byte[] bytes)
    {
        foreach (var record in new RecordBatch(bytes).GetRecords())
        {
            foreach (var header in record.Headers)
                _ = header.Value.Length;
        }
    }
}
