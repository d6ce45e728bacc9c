using System.Buffers.Binary;

namespace ActorStream.Records.Tests;

/// <summary>Byte fixtures from other Kafka implementations, plus small helpers for building test batches.</summary>
internal static class Fixtures
{
    /// <summary>
    /// kafkajs src/protocol/recordBatch/fixtures/v0_recordbatch.json: one gzip record batch written by a real Kafka
    /// broker (LogAppendTime), key "key-0", value "value-0-2020-08-14T17:13:08.682Z".
    /// </summary>
    public static readonly byte[] KafkajsGzipBatch =
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 113, 0, 0, 0, 0, 2, 228, 195, 36, 165, 0, 9, 0, 0, 0, 0, 0, 0, 1, 115, 237, 245,
        255, 167, 0, 0, 1, 115, 237, 245, 255, 201, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        31, 139, 8, 0, 0, 0, 0, 0, 0, 19, 11, 99, 96, 96, 224, 202, 78, 173, 212, 53, 112, 40, 75, 204, 41, 77, 213, 53,
        208, 53, 50, 48, 50, 208, 53, 176, 208, 53, 52, 9, 49, 52, 183, 50, 52, 182, 50, 176, 208, 51, 179, 48, 138, 98,
        0, 0, 181, 227, 241, 167, 44, 0, 0, 0,
    ];

    /// <summary>
    /// kafkajs src/protocol/recordBatch/crc32C/fixtures/crcPayload.json: the CRC-covered part (attributes to end) of an
    /// uncompressed batch of three records with header a=b, whose CRC-32C Kafka's Java code computes as 818496390.
    /// </summary>
    public static readonly byte[] KafkajsCrcPayload =
    [
        0, 0, 0, 0, 0, 2, 0, 0, 1, 95, 142, 187, 58, 12, 0, 0, 1, 95, 142, 187, 58, 12, 255, 255, 255, 255, 255, 255, 255,
        255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 130, 1, 0, 0, 0, 48, 107, 101, 121, 45, 56, 50, 99, 102, 48, 57, 51, 99, 55, 52,
        51, 98, 100, 51, 56, 51, 54, 101, 49, 56, 62, 115, 111, 109, 101, 45, 118, 97, 108, 117, 101, 45, 55, 56, 101, 97,
        101, 99, 102, 52, 98, 53, 55, 53, 102, 97, 51, 101, 52, 48, 52, 99, 2, 2, 97, 2, 98, 130, 1, 0, 0, 2, 48, 107, 101,
        121, 45, 48, 54, 101, 51, 102, 53, 57, 97, 98, 100, 50, 55, 101, 99, 102, 53, 54, 49, 97, 51, 62, 115, 111, 109,
        101, 45, 118, 97, 108, 117, 101, 45, 55, 102, 51, 48, 57, 52, 53, 51, 53, 100, 98, 51, 52, 99, 102, 48, 51, 54, 98,
        49, 2, 2, 97, 2, 98, 130, 1, 0, 0, 4, 48, 107, 101, 121, 45, 102, 51, 55, 48, 50, 57, 52, 99, 102, 51, 57, 101, 53,
        54, 53, 48, 49, 55, 97, 54, 62, 115, 111, 109, 101, 45, 118, 97, 108, 117, 101, 45, 49, 97, 98, 57, 48, 98, 55, 55,
        57, 50, 57, 100, 102, 102, 99, 52, 97, 97, 99, 57, 2, 2, 97, 2, 98,
    ];

    public const uint KafkajsCrcPayloadCrc = 818496390;

    /// <summary>The crcPayload with the 21 uncovered header bytes put in front: a whole uncompressed batch.</summary>
    public static byte[] KafkajsUncompressedBatch(long baseOffset = 0, int partitionLeaderEpoch = 0)
    {
        var batch = new byte[21 + KafkajsCrcPayload.Length];
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(12), partitionLeaderEpoch);
        batch[16] = 2;
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), KafkajsCrcPayloadCrc);
        KafkajsCrcPayload.CopyTo(batch, 21);
        return batch;
    }

    public static byte[] Build(RecordBatchOptions options, int records, int keySize = 8, int valueSize = 32)
    {
        using var builder = new RecordBatchBuilder(options);
        for (int i = 0; i < records; i++)
        {
            var key = new byte[keySize];
            var value = new byte[valueSize];
            key.AsSpan().Fill((byte)i);
            value.AsSpan().Fill((byte)(i + 1));
            builder.Append(1_700_000_000_000 + i, key, value);
        }

        return builder.ToArray();
    }

    /// <summary>Rewrites the attributes' codec bits and fixes the CRC, to fake a batch of another codec.</summary>
    public static byte[] WithCodec(byte[] batch, CompressionType codec)
    {
        var copy = (byte[])batch.Clone();
        short attributes = BinaryPrimitives.ReadInt16BigEndian(copy.AsSpan(21));
        attributes = (short)((attributes & ~7) | (int)codec);
        BinaryPrimitives.WriteInt16BigEndian(copy.AsSpan(21), attributes);
        FixCrc(copy);
        return copy;
    }

    public static void FixCrc(Span<byte> batch)
        => BinaryPrimitives.WriteUInt32BigEndian(batch[17..], Crc32C.Compute(batch[21..]));
}
