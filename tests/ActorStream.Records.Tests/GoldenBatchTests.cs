using System.Text;

namespace ActorStream.Records.Tests;

/// <summary>Batches written by other Kafka implementations, decoded field by field.</summary>
public sealed class GoldenBatchTests
{
    [Fact]
    public void Decodes_gzip_batch_written_by_a_Kafka_broker()
    {
        var batch = new RecordBatch(Fixtures.KafkajsGzipBatch);

        Assert.Equal(0, batch.BaseOffset);
        Assert.Equal(113, batch.BatchLength);
        Assert.Equal(125, batch.SizeInBytes);
        Assert.Equal(0, batch.PartitionLeaderEpoch);
        Assert.Equal(2, batch.Magic);
        Assert.Equal(0xE4C324A5u, batch.Crc);
        Assert.True(batch.IsValid);
        Assert.Equal(9, batch.Attributes);
        Assert.Equal(CompressionType.Gzip, batch.Compression);
        Assert.Equal(TimestampType.LogAppendTime, batch.TimestampType);
        Assert.False(batch.IsTransactional);
        Assert.False(batch.IsControl);
        Assert.False(batch.HasDeleteHorizon);
        Assert.Equal(0, batch.LastOffsetDelta);
        Assert.Equal(1597425188775, batch.BaseTimestamp);
        Assert.Equal(1597425188809, batch.MaxTimestamp);
        Assert.Equal(-1, batch.ProducerId);
        Assert.Equal(0, batch.ProducerEpoch);
        Assert.Equal(0, batch.BaseSequence);
        Assert.Equal(1, batch.RecordCount);
        Assert.Equal(0, batch.LastOffset);
        Assert.Equal(1, batch.NextOffset);

        int seen = 0;
        foreach (var record in batch.GetRecords())
        {
            seen++;
            Assert.Equal(0, record.Offset);
            Assert.Equal(0, record.OffsetDelta);
            Assert.Equal(0, record.TimestampDelta);
            // LogAppendTime: every record reports the broker's time, not its create time.
            Assert.Equal(1597425188809, record.Timestamp);
            Assert.Equal(0, record.Sequence);
            Assert.Equal(44, record.SizeInBytes);
            Assert.False(record.IsKeyNull);
            Assert.Equal("key-0", Encoding.UTF8.GetString(record.Key));
            Assert.Equal("value-0-2020-08-14T17:13:08.682Z", Encoding.UTF8.GetString(record.Value));
            Assert.Equal(0, record.HeaderCount);
        }

        Assert.Equal(1, seen);
    }

    [Fact]
    public void Decodes_uncompressed_batch_whose_crc_Kafka_computed()
    {
        byte[] bytes = Fixtures.KafkajsUncompressedBatch(baseOffset: 100, partitionLeaderEpoch: 7);
        var batch = new RecordBatch(bytes);

        Assert.True(batch.IsValid);
        batch.ValidateCrc();
        Assert.Equal(100, batch.BaseOffset);
        Assert.Equal(7, batch.PartitionLeaderEpoch);
        Assert.Equal(CompressionType.None, batch.Compression);
        Assert.Equal(TimestampType.CreateTime, batch.TimestampType);
        Assert.Equal(2, batch.LastOffsetDelta);
        Assert.Equal(102, batch.LastOffset);
        Assert.Equal(103, batch.NextOffset);
        Assert.Equal(1509928155660, batch.BaseTimestamp);
        Assert.Equal(1509928155660, batch.MaxTimestamp);
        Assert.Equal(-1, batch.ProducerId);
        Assert.Equal(0, batch.ProducerEpoch);
        Assert.Equal(0, batch.BaseSequence);
        Assert.Equal(2, batch.LastSequence);
        Assert.Equal(3, batch.RecordCount);

        string[] keys = ["key-82cf093c743bd3836e18", "key-06e3f59abd27ecf561a3", "key-f370294cf39e565017a6"];
        string[] values = ["some-value-78eaecf4b575fa3e404c", "some-value-7f3094535db34cf036b1", "some-value-1ab90b77929dffc4aac9"];
        int i = 0;
        foreach (var record in batch.GetRecords())
        {
            Assert.Equal(100 + i, record.Offset);
            Assert.Equal(i, record.Sequence);
            Assert.Equal(1509928155660, record.Timestamp);
            Assert.Equal(keys[i], Encoding.UTF8.GetString(record.Key));
            Assert.Equal(values[i], Encoding.UTF8.GetString(record.Value));
            Assert.Equal(1, record.HeaderCount);
            foreach (var header in record.Headers)
            {
                Assert.Equal("a", header.GetKeyString());
                Assert.True(header.Key.SequenceEqual("a"u8));
                Assert.Equal("b"u8.ToArray(), header.ValueToArray());
            }

            i++;
        }

        Assert.Equal(3, i);
    }

    [Fact]
    public void Builder_reproduces_the_Kafka_batch_byte_for_byte()
    {
        var options = new RecordBatchOptions
        {
            BaseOffset = 0,
            PartitionLeaderEpoch = 0,
            ProducerId = -1,
            ProducerEpoch = 0,
            BaseSequence = 0,
        };
        using var builder = new RecordBatchBuilder(options);
        RecordHeader[] headers = [new("a", "b"u8.ToArray())];
        builder.Append(1509928155660, "key-82cf093c743bd3836e18"u8, "some-value-78eaecf4b575fa3e404c"u8, headers);
        builder.Append(1509928155660, "key-06e3f59abd27ecf561a3"u8, "some-value-7f3094535db34cf036b1"u8, headers);
        builder.Append(1509928155660, "key-f370294cf39e565017a6"u8, "some-value-1ab90b77929dffc4aac9"u8, headers);

        byte[] built = builder.ToArray();

        Assert.Equal(Fixtures.KafkajsUncompressedBatch(), built);
        Assert.Equal(Fixtures.KafkajsCrcPayloadCrc, new RecordBatch(built).Crc);
    }
}
