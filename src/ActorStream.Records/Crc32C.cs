using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace ActorStream.Records;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's RecordBatch v2.
/// Uses the CPU's CRC32C instructions (SSE4.2 on x86/x64, the CRC32 extension on Arm64) and falls back to
/// slicing-by-8 tables elsewhere. Values are the finished (post-inverted) checksum, so
/// <c>Append(Compute(a), b) == Compute(a + b)</c>.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    // Eight 256-entry tables back to back: table k advances the CRC over a byte followed by k zero bytes.
    private static readonly uint[] Tables = BuildTables();

    public static bool IsHardwareAccelerated =>
        X86Sse42.X64.IsSupported || X86Sse42.IsSupported || ArmCrc32.Arm64.IsSupported || ArmCrc32.IsSupported;

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a checksum previously returned by <see cref="Compute"/> or <see cref="Append"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        state = IsHardwareAccelerated ? UpdateHardware(state, data) : UpdateSoftware(state, data);
        return ~state;
    }

    // Exposed to tests so both paths can be checked against each other on the same machine.
    internal static uint AppendSoftware(uint crc, ReadOnlySpan<byte> data) => ~UpdateSoftware(~crc, data);

    internal static uint AppendHardware(uint crc, ReadOnlySpan<byte> data)
    {
        if (!IsHardwareAccelerated)
            throw new PlatformNotSupportedException("No CRC-32C instructions on this CPU.");
        return ~UpdateHardware(~crc, data);
    }

    private static uint UpdateHardware(uint state, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        if (X86Sse42.X64.IsSupported)
        {
            ulong s = state;
            for (; length - i >= 8; i += 8)
                s = X86Sse42.X64.Crc32(s, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            state = (uint)s;
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            for (; length - i >= 8; i += 8)
                state = ArmCrc32.Arm64.ComputeCrc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        }

        if (X86Sse42.IsSupported)
        {
            for (; length - i >= 4; i += 4)
                state = X86Sse42.Crc32(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            for (; i < length; i++)
                state = X86Sse42.Crc32(state, Unsafe.Add(ref p, i));
        }
        else
        {
            for (; length - i >= 4; i += 4)
                state = ArmCrc32.ComputeCrc32C(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            for (; i < length; i++)
                state = ArmCrc32.ComputeCrc32C(state, Unsafe.Add(ref p, i));
        }

        return state;
    }

    private static uint UpdateSoftware(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = Tables;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (int)(one & 0xFF)]
                ^ t[(6 * 256) + (int)((one >> 8) & 0xFF)]
                ^ t[(5 * 256) + (int)((one >> 16) & 0xFF)]
                ^ t[(4 * 256) + (int)(one >> 24)]
                ^ t[(3 * 256) + (int)(two & 0xFF)]
                ^ t[(2 * 256) + (int)((two >> 8) & 0xFF)]
                ^ t[256 + (int)((two >> 16) & 0xFF)]
                ^ t[(int)(two >> 24)];
            data = data[8..];
        }

        foreach (byte b in data)
            state = t[(int)((state ^ b) & 0xFF)] ^ (state >> 8);
        return state;
    }

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            tables[n] = c;
        }

        for (int n = 0; n < 256; n++)
        {
            for (int k = 1; k < 8; k++)
            {
                uint previous = tables[((k - 1) * 256) + n];
                tables[(k * 256) + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }

        return tables;
    }
}
