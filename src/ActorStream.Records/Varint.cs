using System.Runtime.CompilerServices;

namespace ActorStream.Records;

/// <summary>
/// Kafka's variable-length integers (ByteUtils semantics): zigzag-encoded signed varint/varlong as used by
/// record fields, and plain unsigned varint/varlong as used by the protocol's compact types.
/// Seven bits per byte, least significant group first, high bit set on every byte but the last.
/// </summary>
public static class Varint
{
    public const int MaxVarintBytes = 5;
    public const int MaxVarlongBytes = 10;

    public static uint ZigZagEncode(int value) => (uint)((value << 1) ^ (value >> 31));

    public static ulong ZigZagEncode(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static int ZigZagDecode(uint value) => (int)(value >> 1) ^ -(int)(value & 1);

    public static long ZigZagDecode(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    public static int SizeOfUnsignedVarint(uint value)
    {
        // One byte per started group of seven significant bits; zero still takes one byte.
        int bits = 32 - System.Numerics.BitOperations.LeadingZeroCount(value | 1);
        return (bits + 6) / 7;
    }

    public static int SizeOfUnsignedVarlong(ulong value)
    {
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(value | 1);
        return (bits + 6) / 7;
    }

    public static int SizeOfVarint(int value) => SizeOfUnsignedVarint(ZigZagEncode(value));

    public static int SizeOfVarlong(long value) => SizeOfUnsignedVarlong(ZigZagEncode(value));

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteUnsignedVarint(Span<byte> destination, uint value)
    {
        if (value < 0x80 && destination.Length > 0)
        {
            destination[0] = (byte)value;
            return 1;
        }

        return WriteUnsignedVarlongSlow(destination, value);
    }

    public static int WriteUnsignedVarlong(Span<byte> destination, ulong value)
    {
        if (value < 0x80 && destination.Length > 0)
        {
            destination[0] = (byte)value;
            return 1;
        }

        return WriteUnsignedVarlongSlow(destination, value);
    }

    public static int WriteVarint(Span<byte> destination, int value) => WriteUnsignedVarint(destination, ZigZagEncode(value));

    public static int WriteVarlong(Span<byte> destination, long value) => WriteUnsignedVarlong(destination, ZigZagEncode(value));

    private static int WriteUnsignedVarlongSlow(Span<byte> destination, ulong value)
    {
        if (destination.Length < SizeOfUnsignedVarlong(value))
            throw new ArgumentException("Destination is too small for the varint.", nameof(destination));

        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>
    /// Reads an unsigned varint of at most five bytes. Returns false when the source ends inside the varint or
    /// the encoding runs past five bytes (Kafka rejects the same inputs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadUnsignedVarint(ReadOnlySpan<byte> source, out uint value, out int bytesRead)
    {
        if (source.Length > 0 && source[0] < 0x80)
        {
            value = source[0];
            bytesRead = 1;
            return true;
        }

        bool ok = TryReadRaw(source, MaxVarintBytes, out ulong raw, out bytesRead);
        value = (uint)raw;
        return ok;
    }

    public static bool TryReadUnsignedVarlong(ReadOnlySpan<byte> source, out ulong value, out int bytesRead)
        => TryReadRaw(source, MaxVarlongBytes, out value, out bytesRead);

    public static bool TryReadVarint(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        bool ok = TryReadUnsignedVarint(source, out uint raw, out bytesRead);
        value = ZigZagDecode(raw);
        return ok;
    }

    public static bool TryReadVarlong(ReadOnlySpan<byte> source, out long value, out int bytesRead)
    {
        bool ok = TryReadRaw(source, MaxVarlongBytes, out ulong raw, out bytesRead);
        value = ZigZagDecode(raw);
        return ok;
    }

    /// <exception cref="InvalidDataException">Truncated or over-long encoding.</exception>
    public static uint ReadUnsignedVarint(ReadOnlySpan<byte> source, out int bytesRead)
        => TryReadUnsignedVarint(source, out uint value, out bytesRead) ? value : throw Invalid("varint", source, MaxVarintBytes);

    public static ulong ReadUnsignedVarlong(ReadOnlySpan<byte> source, out int bytesRead)
        => TryReadUnsignedVarlong(source, out ulong value, out bytesRead) ? value : throw Invalid("varlong", source, MaxVarlongBytes);

    public static int ReadVarint(ReadOnlySpan<byte> source, out int bytesRead)
        => TryReadVarint(source, out int value, out bytesRead) ? value : throw Invalid("varint", source, MaxVarintBytes);

    public static long ReadVarlong(ReadOnlySpan<byte> source, out int bytesRead)
        => TryReadVarlong(source, out long value, out bytesRead) ? value : throw Invalid("varlong", source, MaxVarlongBytes);

    private static bool TryReadRaw(ReadOnlySpan<byte> source, int maxBytes, out ulong value, out int bytesRead)
    {
        ulong result = 0;
        int shift = 0;
        int limit = Math.Min(source.Length, maxBytes);
        for (int i = 0; i < limit; i++)
        {
            byte b = source[i];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                value = result;
                bytesRead = i + 1;
                return true;
            }

            shift += 7;
        }

        value = 0;
        bytesRead = 0;
        return false;
    }

    private static InvalidDataException Invalid(string kind, ReadOnlySpan<byte> source, int maxBytes)
        => source.Length < maxBytes && !source.ContainsAnyInRange((byte)0, (byte)0x7F)
            ? new InvalidDataException($"Truncated {kind}: input ended after {source.Length} bytes.")
            : new InvalidDataException($"Invalid {kind}: more than {maxBytes} bytes.");
}
