namespace ActorStream.Records.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Appending_and_reading_uncompressed_records_does_not_allocate_per_record()
    {
        RecordHeader[] headers = [new("trace", "abc"u8.ToArray()), new("none", null)];
        using var builder = new RecordBatchBuilder(initialCapacity: 1 << 20);
        Fill(builder, headers, 10); // warm up pools and JIT
        _ = Read(builder.Build().Span);

        builder.Reset();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fill(builder, headers, 5_000);
        var bytes = builder.Build();
        long total = Read(bytes.Span);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(5_000 * 3, total);
        Assert.True(allocated < 1_000, $"allocated {allocated} bytes for 5000 records");
    }

    [Fact]
    public void Null_literals_mean_null_keys_and_values()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, null, "v"u8);
        builder.Append(2, "k"u8, null);
        var batch = new RecordBatch(builder.Build().Span);
        using var records = batch.GetRecords();
        Assert.True(records.MoveNext());
        Assert.True(records.Current.IsKeyNull);
        Assert.True(records.MoveNext());
        Assert.True(records.Current.IsValueNull);
    }

    private static void Fill(RecordBatchBuilder builder, RecordHeader[] headers, int count)
    {
        ReadOnlySpan<byte> value = "some value bytes"u8;
        Span<byte> key = stackalloc byte[4];
        for (int i = 0; i < count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(key, i);
            builder.Append(1_700_000_000_000 + i, key, value, headers);
        }
    }

    private static long Read(ReadOnlySpan<byte> bytes)
    {
        var batch = new RecordBatch(bytes);
        batch.ValidateCrc();
        long total = 0;
        foreach (var record in batch.GetRecords())
        {
            total += record.Key.Length > 0 ? 1 : 0;
            foreach (var header in record.Headers)
                total += header.IsValueNull ? 1 : header.Value.Length > 0 ? 1 : 0;
        }

        return total;
    }
}
