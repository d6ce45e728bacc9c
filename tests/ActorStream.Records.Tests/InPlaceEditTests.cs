namespace ActorStream.Records.Tests;

public sealed class InPlaceEditTests
{
    [Fact]
    public void Setting_base_offset_and_epoch_keeps_the_crc_valid()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 4);
        uint crc = new RecordBatch(bytes).Crc;

        RecordBatch.SetBaseOffset(bytes, 1_000_000);
        RecordBatch.SetPartitionLeaderEpoch(bytes, 12);

        var batch = new RecordBatch(bytes);
        Assert.Equal(crc, batch.Crc);
        Assert.True(batch.IsValid);
        Assert.Equal(1_000_000, batch.BaseOffset);
        Assert.Equal(1_000_003, batch.LastOffset);
        Assert.Equal(12, batch.PartitionLeaderEpoch);
        long expected = 1_000_000;
        foreach (var record in batch.GetRecords())
            Assert.Equal(expected++, record.Offset);
    }

    [Fact]
    public void Setting_last_offset_shifts_the_base()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 4);
        RecordBatch.SetLastOffset(bytes, 99);
        var batch = new RecordBatch(bytes);
        Assert.Equal(96, batch.BaseOffset);
        Assert.True(batch.IsValid);
    }

    [Fact]
    public void Log_append_time_rewrite_recomputes_the_crc()
    {
        byte[] bytes = Fixtures.Build(new RecordBatchOptions { IsTransactional = true, ProducerId = 3, ProducerEpoch = 0 }, records: 3);
        var before = new RecordBatch(bytes);
        uint oldCrc = before.Crc;
        long baseTimestamp = before.BaseTimestamp;

        RecordBatch.SetLogAppendTime(bytes, 1_800_000_000_000);

        var batch = new RecordBatch(bytes);
        Assert.NotEqual(oldCrc, batch.Crc);
        Assert.True(batch.IsValid);
        batch.ValidateCrc();
        Assert.Equal(TimestampType.LogAppendTime, batch.TimestampType);
        Assert.Equal(1_800_000_000_000, batch.MaxTimestamp);
        Assert.Equal(baseTimestamp, batch.BaseTimestamp);
        Assert.True(batch.IsTransactional); // other attribute bits untouched
        foreach (var record in batch.GetRecords())
            Assert.Equal(1_800_000_000_000, record.Timestamp);

        // Back to CreateTime: records report their own timestamps again.
        RecordBatch.SetMaxTimestamp(bytes, TimestampType.CreateTime, baseTimestamp + 2);
        batch = new RecordBatch(bytes);
        Assert.True(batch.IsValid);
        Assert.Equal(TimestampType.CreateTime, batch.TimestampType);
        long expected = baseTimestamp;
        foreach (var record in batch.GetRecords())
            Assert.Equal(expected++, record.Timestamp);
    }

    [Fact]
    public void Setting_the_same_max_timestamp_leaves_the_bytes_alone()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 2);
        byte[] copy = (byte[])bytes.Clone();
        var batch = new RecordBatch(bytes);

        RecordBatch.SetMaxTimestamp(bytes, TimestampType.CreateTime, batch.MaxTimestamp);

        Assert.Equal(copy, bytes);
    }

    [Fact]
    public void Edits_only_touch_the_batch_not_following_bytes()
    {
        byte[] one = Fixtures.Build(RecordBatchOptions.Default, records: 2);
        var buffer = new byte[one.Length + 5];
        one.CopyTo(buffer, 0);
        buffer.AsSpan(one.Length).Fill(0xAB);

        RecordBatch.SetLogAppendTime(buffer, 7);

        Assert.True(new RecordBatch(buffer).IsValid);
        Assert.All(buffer[one.Length..], b => Assert.Equal(0xAB, b));
    }

    [Fact]
    public void Edits_refuse_corrupt_headers()
    {
        byte[] bytes = Fixtures.Build(RecordBatchOptions.Default, records: 1);
        bytes[RecordBatchLayout.MagicOffset] = 0;
        Assert.Throws<CorruptRecordException>(() => RecordBatch.SetBaseOffset(bytes, 1));
    }
}
