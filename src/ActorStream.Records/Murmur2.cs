using System.Buffers.Binary;

namespace ActorStream.Records;

/// <summary>
/// Kafka's 32-bit murmur2 (Utils.murmur2) and the default partitioner's keyed placement
/// (BuiltInPartitioner.partitionForKey): <c>toPositive(murmur2(key)) % numPartitions</c>.
/// Must stay bit-for-bit identical to the Java client so keys land on the same partitions.
/// </summary>
public static class Murmur2
{
    private const uint Seed = 0x9747B28C;
    private const uint M = 0x5BD1E995;
    private const int R = 24;

    public static int Hash(ReadOnlySpan<byte> data)
    {
        int length = data.Length;
        uint h = Seed ^ (uint)length;

        int whole = length & ~3;
        for (int i = 0; i < whole; i += 4)
        {
            uint k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i, 4));
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        // The trailing 1-3 bytes fold in exactly as Java's fall-through switch does.
        switch (length & 3)
        {
            case 3:
                h ^= (uint)data[whole + 2] << 16;
                h ^= (uint)data[whole + 1] << 8;
                h ^= data[whole];
                h *= M;
                break;
            case 2:
                h ^= (uint)data[whole + 1] << 8;
                h ^= data[whole];
                h *= M;
                break;
            case 1:
                h ^= data[whole];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }

    /// <summary>Kafka's Utils.toPositive: clears the sign bit (not Math.Abs, which fails on int.MinValue).</summary>
    public static int ToPositive(int value) => value & 0x7FFFFFFF;

    /// <summary>The partition Kafka's default partitioner picks for a non-null serialized key.</summary>
    public static int Partition(ReadOnlySpan<byte> key, int numPartitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPartitions);
        return ToPositive(Hash(key)) % numPartitions;
    }
}
