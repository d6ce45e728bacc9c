namespace ActorStream.Records.Tests;

public sealed class ScannerTests
{
    private static byte[] Segment(out int[] starts, int batches = 4)
    {
        var output = new List<byte>();
        starts = new int[batches];
        for (int i = 0; i < batches; i++)
        {
            starts[i] = output.Count;
            output.AddRange(Fixtures.Build(new RecordBatchOptions { BaseOffset = i * 10, Compression = i % 2 == 0 ? CompressionType.None : CompressionType.Gzip }, records: 10));
        }

        return [.. output];
    }

    [Fact]
    public void Walks_concatenated_batches()
    {
        byte[] segment = Segment(out int[] starts);
        var scanner = new RecordBatchScanner(segment);
        var positions = new List<int>();
        var offsets = new List<long>();
        while (scanner.MoveNext())
        {
            positions.Add(scanner.CurrentPosition);
            offsets.Add(scanner.Current.BaseOffset);
        }

        Assert.Equal(ScanError.None, scanner.Error);
        Assert.Equal(segment.Length, scanner.ValidBytes);
        Assert.Equal(starts, positions);
        Assert.Equal([0L, 10L, 20L, 30L], offsets);
        scanner.ThrowIfError();

        var result = RecordBatchScanner.Scan(segment);
        Assert.True(result.IsComplete);
        Assert.Equal(4, result.BatchCount);
        Assert.Equal(0, result.FirstOffset);
        Assert.Equal(40, result.NextOffset);
    }

    [Fact]
    public void Empty_buffer_is_complete()
    {
        var result = RecordBatchScanner.Scan([]);
        Assert.True(result.IsComplete);
        Assert.Equal(0, result.BatchCount);
        Assert.Equal(-1, result.FirstOffset);
    }

    [Fact]
    public void Every_truncation_point_is_detected_as_a_torn_tail()
    {
        byte[] segment = Segment(out int[] starts);
        int lastStart = starts[^1];
        for (int cut = lastStart + 1; cut < segment.Length; cut++)
        {
            var result = RecordBatchScanner.Scan(segment.AsSpan(0, cut));

            Assert.True(result.IsTornTail, $"cut at {cut}");
            Assert.Equal(lastStart, result.ValidBytes);
            Assert.Equal(3, result.BatchCount);
            Assert.Equal(30, result.NextOffset);
            Assert.Equal(cut - lastStart < RecordBatchLayout.HeaderSize ? ScanError.TruncatedHeader : ScanError.TruncatedBatch, result.Error);
            Assert.Equal(cut, result.ErrorPosition);
            Assert.Contains($"batch at position {lastStart}", result.ErrorReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Corrupt_batch_in_the_middle_stops_the_scan_at_its_start()
    {
        byte[] segment = Segment(out int[] starts);
        segment[starts[2] + 70] ^= 0x01;

        var scanner = new RecordBatchScanner(segment);
        int count = 0;
        while (scanner.MoveNext())
            count++;

        Assert.Equal(2, count);
        Assert.Equal(ScanError.CrcMismatch, scanner.Error);
        Assert.Equal(starts[2], scanner.ValidBytes);
        Assert.Equal(starts[2] + RecordBatchLayout.CrcOffset, scanner.ErrorPosition);
        var e = Assert.Throws<CorruptRecordException>(() => Rethrow(segment));
        Assert.Equal(starts[2] + RecordBatchLayout.CrcOffset, e.Position);
        Assert.Contains("CRC mismatch", e.Message, StringComparison.Ordinal);

        // A reader that trusts the bytes can skip the CRC check.
        Assert.True(RecordBatchScanner.Scan(segment, validateCrc: false).IsComplete);
    }

    [Fact]
    public void Bad_magic_and_zero_padding_are_reported_with_their_positions()
    {
        byte[] segment = Segment(out int[] starts);
        segment[starts[1] + RecordBatchLayout.MagicOffset] = 7;
        var result = RecordBatchScanner.Scan(segment);
        Assert.Equal(ScanError.InvalidMagic, result.Error);
        Assert.Equal(starts[1], result.ValidBytes);
        Assert.Equal(starts[1] + RecordBatchLayout.MagicOffset, result.ErrorPosition);

        // A preallocated (zero-filled) tail: length 0 is below the minimum.
        byte[] padded = new byte[starts[1] + 200];
        Segment(out _).AsSpan(0, starts[1]).CopyTo(padded);
        result = RecordBatchScanner.Scan(padded);
        Assert.Equal(1, result.BatchCount);
        Assert.Equal(starts[1], result.ValidBytes);
        Assert.False(result.IsTornTail);
        Assert.True(result.Error is ScanError.InvalidMagic or ScanError.InvalidLength);
    }

    [Fact]
    public void Oversized_length_is_corruption_when_a_maximum_is_given()
    {
        byte[] segment = Segment(out int[] starts);
        var result = RecordBatchScanner.Scan(segment, maxBatchSize: 100);
        Assert.Equal(ScanError.InvalidLength, result.Error);
        Assert.Equal(0, result.ValidBytes);
        Assert.Equal(RecordBatchLayout.LengthOffset, result.ErrorPosition);

        result = RecordBatchScanner.Scan(segment.AsSpan(0, starts[1] + 70), maxBatchSize: starts[1]);
        Assert.Equal(1, result.BatchCount);
        Assert.Equal(starts[1], result.ValidBytes);
    }

    private static void Rethrow(byte[] segment)
    {
        var scanner = new RecordBatchScanner(segment);
        while (scanner.MoveNext())
        {
        }

        scanner.ThrowIfError();
    }
}
