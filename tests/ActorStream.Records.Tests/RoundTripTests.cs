using System.Buffers;
using System.Text;

namespace ActorStream.Records.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void Keys_values_headers_nulls_and_empties_survive()
    {
        var options = new RecordBatchOptions
        {
            BaseOffset = 1000,
            PartitionLeaderEpoch = 3,
            ProducerId = 77,
            ProducerEpoch = 2,
            BaseSequence = 10,
        };
        using var builder = new RecordBatchBuilder(options);
        builder.Append(5000, "k1"u8, "v1"u8);
        builder.Append(5003, NullableBytes.Null, "only value"u8);
        builder.Append(4990, "only key"u8, NullableBytes.Null);
        builder.Append(5001, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty);
        builder.Append(
            5002,
            (byte[]?)null,
            (byte[]?)null,
            [new RecordHeader("h1", "x"u8.ToArray()), new RecordHeader("h2", null), new RecordHeader("h3", Array.Empty<byte>()), new RecordHeader("ключ", "ü"u8.ToArray())]);

        var batch = new RecordBatch(builder.Build().Span);

        Assert.True(batch.IsValid);
        Assert.Equal(1000, batch.BaseOffset);
        Assert.Equal(3, batch.PartitionLeaderEpoch);
        Assert.Equal(77, batch.ProducerId);
        Assert.Equal(2, batch.ProducerEpoch);
        Assert.Equal(10, batch.BaseSequence);
        Assert.Equal(14, batch.LastSequence);
        Assert.Equal(5, batch.RecordCount);
        Assert.Equal(4, batch.LastOffsetDelta);
        Assert.Equal(1004, batch.LastOffset);
        Assert.Equal(1005, batch.NextOffset);
        Assert.Equal(5000, batch.BaseTimestamp);
        Assert.Equal(5003, batch.MaxTimestamp);
        Assert.Equal(RecordBatchLayout.NoPartitionLeaderEpoch, new RecordBatchOptions().PartitionLeaderEpoch);

        using var records = batch.GetRecords();
        Assert.Equal(5, records.Count);

        Assert.True(records.MoveNext());
        var r = records.Current;
        Assert.Equal(1000, r.Offset);
        Assert.Equal(5000, r.Timestamp);
        Assert.Equal(10, r.Sequence);
        Assert.Equal("k1", Encoding.UTF8.GetString(r.Key));
        Assert.Equal("v1", Encoding.UTF8.GetString(r.Value));
        Assert.Equal(0, r.HeaderCount);

        Assert.True(records.MoveNext());
        r = records.Current;
        Assert.Equal(1001, r.Offset);
        Assert.Equal(5003, r.Timestamp);
        Assert.True(r.IsKeyNull);
        Assert.Null(r.KeyToArray());
        Assert.Equal("only value", Encoding.UTF8.GetString(r.Value));

        Assert.True(records.MoveNext());
        r = records.Current;
        Assert.Equal(4990, r.Timestamp);
        Assert.Equal(-10, r.TimestampDelta);
        Assert.False(r.IsKeyNull);
        Assert.True(r.IsValueNull);
        Assert.Null(r.ValueToArray());

        Assert.True(records.MoveNext());
        r = records.Current;
        Assert.False(r.IsKeyNull);
        Assert.False(r.IsValueNull);
        Assert.Equal(0, r.Key.Length);
        Assert.Equal(Array.Empty<byte>(), r.ValueToArray());

        Assert.True(records.MoveNext());
        r = records.Current;
        Assert.Equal(1004, r.Offset);
        Assert.True(r.IsKeyNull);
        Assert.True(r.IsValueNull);
        Assert.Equal(4, r.HeaderCount);
        var headers = new List<(string Key, byte[]? Value)>();
        foreach (var h in r.Headers)
            headers.Add((h.GetKeyString(), h.ValueToArray()));
        Assert.Equal("h1", headers[0].Key);
        Assert.Equal("x"u8.ToArray(), headers[0].Value);
        Assert.Equal("h2", headers[1].Key);
        Assert.Null(headers[1].Value);
        Assert.Equal(Array.Empty<byte>(), headers[2].Value);
        Assert.Equal("ключ", headers[3].Key);
        Assert.Equal("ü"u8.ToArray(), headers[3].Value);

        Assert.False(records.MoveNext());
    }

    [Fact]
    public void Flags_and_explicit_offsets_round_trip()
    {
        var options = new RecordBatchOptions
        {
            BaseOffset = 50,
            IsTransactional = true,
            IsControl = true,
            DeleteHorizonMs = 9_000,
            ProducerId = 5,
            ProducerEpoch = 1,
        };
        using var builder = new RecordBatchBuilder(options);
        builder.AppendWithOffset(50, 9_100, "a"u8, "1"u8);
        builder.AppendWithOffset(53, 9_050, "b"u8, "2"u8);
        builder.AppendWithOffset(60, 9_200, "c"u8, "3"u8);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AppendWithOffset(60, 9_300, "d"u8, "4"u8));

        var batch = new RecordBatch(builder.Build().Span);
        Assert.True(batch.IsValid);
        Assert.True(batch.IsTransactional);
        Assert.True(batch.IsControl);
        Assert.True(batch.HasDeleteHorizon);
        Assert.Equal(9_000, batch.DeleteHorizonMs);
        Assert.Equal(0x70, batch.Attributes);
        Assert.Equal(10, batch.LastOffsetDelta);
        Assert.Equal(60, batch.LastOffset);
        Assert.Equal(3, batch.RecordCount);
        Assert.Equal(9_200, batch.MaxTimestamp);

        var offsets = new List<long>();
        var timestamps = new List<long>();
        foreach (var record in batch.GetRecords())
        {
            offsets.Add(record.Offset);
            timestamps.Add(record.Timestamp);
        }

        Assert.Equal([50L, 53L, 60L], offsets);
        Assert.Equal([9_100L, 9_050L, 9_200L], timestamps);
    }

    [Fact]
    public void LogAppendTime_batches_report_the_append_time_for_every_record()
    {
        var options = new RecordBatchOptions { TimestampType = TimestampType.LogAppendTime, LogAppendTime = 42_000 };
        using var builder = new RecordBatchBuilder(options);
        builder.Append(10, "k"u8, "v"u8);
        builder.Append(20, "k"u8, "v"u8);

        var batch = new RecordBatch(builder.Build().Span);
        Assert.Equal(TimestampType.LogAppendTime, batch.TimestampType);
        Assert.Equal(42_000, batch.MaxTimestamp);
        Assert.Equal(10, batch.BaseTimestamp);
        foreach (var record in batch.GetRecords())
            Assert.Equal(42_000, record.Timestamp);
    }

    [Fact]
    public void Empty_batch_is_a_bare_header()
    {
        using var builder = new RecordBatchBuilder();
        var batch = new RecordBatch(builder.Build().Span);

        Assert.Equal(RecordBatchLayout.HeaderSize, batch.SizeInBytes);
        Assert.True(batch.IsValid);
        Assert.Equal(0, batch.RecordCount);
        Assert.Equal(-1, batch.BaseTimestamp);
        Assert.Equal(-1, batch.MaxTimestamp);
        foreach (var record in batch.GetRecords())
            Assert.Fail("no records expected");
    }

    [Fact]
    public void Builder_is_reusable_and_writes_to_buffer_writers()
    {
        using var builder = new RecordBatchBuilder(initialCapacity: 64);
        var output = new ArrayBufferWriter<byte>();
        for (int round = 0; round < 3; round++)
        {
            builder.Reset(new RecordBatchOptions { BaseOffset = round * 100 });
            for (int i = 0; i < 200; i++)
                builder.Append(i, BitConverter.GetBytes(i), new byte[round * 50]);
            Assert.Equal(builder.ToArray(), builder.Build().ToArray());
            Assert.Throws<InvalidOperationException>(() => builder.Append(0, "k"u8, "v"u8));
            builder.WriteTo(output);
        }

        var result = RecordBatchScanner.Scan(output.WrittenSpan);
        Assert.True(result.IsComplete);
        Assert.Equal(3, result.BatchCount);
        Assert.Equal(output.WrittenCount, result.ValidBytes);
        Assert.Equal(0, result.FirstOffset);
        Assert.Equal(400, result.NextOffset);
    }

    [Fact]
    public void Memory_batch_wraps_a_view_for_storage()
    {
        byte[] bytes = Fixtures.Build(new RecordBatchOptions { BaseOffset = 9 }, records: 4);
        var padded = new byte[bytes.Length + 10];
        bytes.CopyTo(padded, 0);

        var stored = new MemoryRecordBatch(padded);

        Assert.Equal(bytes.Length, stored.SizeInBytes);
        Assert.Equal(9, stored.BaseOffset);
        Assert.Equal(12, stored.LastOffset);
        Assert.Equal(13, stored.NextOffset);
        Assert.Equal(4, stored.RecordCount);
        Assert.True(stored.IsValid);
        Assert.Equal(new MemoryRecordBatch(bytes), stored);
        Assert.Contains("offsets=[9, 12]", stored.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_invalid_builder_input()
    {
        using var builder = new RecordBatchBuilder();
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Append(-5, "k"u8, "v"u8));
        Assert.Throws<ArgumentException>(() => new RecordBatchBuilder(new RecordBatchOptions { TimestampType = TimestampType.LogAppendTime }));
        Assert.Throws<CorruptRecordException>(() => new RecordBatchBuilder(new RecordBatchOptions { Compression = (CompressionType)6 }));
    }
}
