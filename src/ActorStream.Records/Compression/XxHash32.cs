using System.Buffers.Binary;
using System.Numerics;

namespace ActorStream.Records.Compression;

/// <summary>XXH32, for the LZ4 frame's header checksum (which Kafka's magic-0 messages got wrong; see LegacyMessageSet).</summary>
internal static class XxHash32
{
    private const uint Prime1 = 2654435761U;
    private const uint Prime2 = 2246822519U;
    private const uint Prime3 = 3266489917U;
    private const uint Prime4 = 668265263U;
    private const uint Prime5 = 374761393U;

    public static uint Hash(ReadOnlySpan<byte> data, uint seed = 0)
    {
        int position = 0;
        uint hash;
        if (data.Length >= 16)
        {
            uint v1 = seed + Prime1 + Prime2;
            uint v2 = seed + Prime2;
            uint v3 = seed;
            uint v4 = seed - Prime1;
            for (; position <= data.Length - 16; position += 16)
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt32LittleEndian(data[position..]));
                v2 = Round(v2, BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 8)..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 12)..]));
            }

            hash = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
        }
        else
        {
            hash = seed + Prime5;
        }

        hash += (uint)data.Length;
        for (; position <= data.Length - 4; position += 4)
            hash = BitOperations.RotateLeft(hash + (BinaryPrimitives.ReadUInt32LittleEndian(data[position..]) * Prime3), 17) * Prime4;
        for (; position < data.Length; position++)
            hash = BitOperations.RotateLeft(hash + (data[position] * Prime5), 11) * Prime1;

        hash ^= hash >> 15;
        hash *= Prime2;
        hash ^= hash >> 13;
        hash *= Prime3;
        hash ^= hash >> 16;
        return hash;
    }

    private static uint Round(uint accumulator, uint lane) => BitOperations.RotateLeft(accumulator + (lane * Prime2), 13) * Prime1;
}
