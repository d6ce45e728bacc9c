using System.Buffers;
using System.Buffers.Binary;

namespace ActorStream.Records.Compression;

/// <summary>
/// Snappy as Kafka clients write it: Java and kafka-python frame raw snappy blocks in xerial's format (a 16-byte
/// header, then [int32 length, block]...), librdkafka writes one raw block. Both are read; xerial is written, which
/// every client reads. The block format is Google's: a varint length, then literals and back-references.
/// </summary>
internal static class Snappy
{
    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    private const int XerialHeaderSize = 16;

    // Java's SnappyOutputStream block size; offsets within a block then fit the two-byte copy form.
    private const int BlockSize = 32 * 1024;

    // A 3-byte copy tag produces at most 64 bytes, so a block cannot expand more than this (guards against bombs).
    private const int MaxExpansion = 22;

    private const int HashBits = 14;

    public static void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        if (input.Length < XerialHeaderSize || !input[..XerialMagic.Length].SequenceEqual(XerialMagic))
        {
            DecompressBlock(input, output);
            return;
        }

        int position = XerialHeaderSize;
        while (position < input.Length)
        {
            if (input.Length - position < 4)
                throw Corrupt("a xerial block length is cut short");
            int length = BinaryPrimitives.ReadInt32BigEndian(input[position..]);
            position += 4;
            if (length < 0 || length > input.Length - position)
                throw Corrupt($"a xerial block claims {length} bytes, {input.Length - position} remain");
            DecompressBlock(input.Slice(position, length), output);
            position += length;
        }
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var header = output.Grow(XerialHeaderSize);
        XerialMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], 1); // version
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 1); // compatible version
        int[] table = ArrayPool<int>.Shared.Rent(1 << HashBits);
        try
        {
            for (int start = 0; start < input.Length; start += BlockSize)
            {
                var block = input.Slice(start, Math.Min(BlockSize, input.Length - start));
                int lengthAt = output.Length;
                output.Grow(4);
                CompressBlock(block, output, table);
                BinaryPrimitives.WriteInt32BigEndian(output.WrittenSpan[lengthAt..], output.Length - lengthAt - 4);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    /// <summary>One raw snappy block onto the end of <paramref name="output"/>.</summary>
    public static void DecompressBlock(ReadOnlySpan<byte> src, PooledBuffer output)
    {
        int s = 0;
        ulong declared = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (s == src.Length || shift > 28)
                throw Corrupt("the block's length varint is cut short or too long");
            byte b = src[s++];
            declared |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                break;
        }

        if (declared > (ulong)src.Length * MaxExpansion + 64 || declared > int.MaxValue)
            throw Corrupt($"the block claims {declared} bytes from {src.Length} compressed ones");
        var dst = output.Grow((int)declared);
        int d = 0;
        while (s < src.Length)
        {
            byte tag = src[s++];
            int length;
            int offset;
            switch (tag & 3)
            {
                case 0:
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        int extra = length - 59;
                        if (src.Length - s < extra)
                            throw Corrupt("a literal length is cut short");
                        uint encoded = 0;
                        for (int i = 0; i < extra; i++)
                            encoded |= (uint)src[s + i] << (8 * i);
                        s += extra;
                        if (encoded >= int.MaxValue)
                            throw Corrupt("a literal is longer than 2 GiB");
                        length = (int)encoded;
                    }

                    length++;
                    if (length > src.Length - s || length > dst.Length - d)
                        throw Corrupt("a literal runs past the end");
                    src.Slice(s, length).CopyTo(dst[d..]);
                    s += length;
                    d += length;
                    continue;
                case 1:
                    if (s == src.Length)
                        throw Corrupt("a copy is cut short");
                    length = ((tag >> 2) & 7) + 4;
                    offset = ((tag >> 5) << 8) | src[s++];
                    break;
                case 2:
                    if (src.Length - s < 2)
                        throw Corrupt("a copy is cut short");
                    length = (tag >> 2) + 1;
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(src[s..]);
                    s += 2;
                    break;
                default:
                    if (src.Length - s < 4)
                        throw Corrupt("a copy is cut short");
                    length = (tag >> 2) + 1;
                    uint far = BinaryPrimitives.ReadUInt32LittleEndian(src[s..]);
                    offset = far > int.MaxValue ? 0 : (int)far;
                    s += 4;
                    break;
            }

            if (offset <= 0 || offset > d || length > dst.Length - d)
                throw Corrupt($"a copy of {length} bytes from {offset} back at byte {d} is out of bounds");
            if (offset >= length)
            {
                dst.Slice(d - offset, length).CopyTo(dst[d..]);
            }
            else
            {
                // Overlapping copy: a repeated pattern, byte by byte.
                for (int i = 0; i < length; i++)
                    dst[d + i] = dst[d - offset + i];
            }

            d += length;
        }

        if (d != dst.Length)
            throw Corrupt($"the block decodes to {d} bytes but claims {dst.Length}");
    }

    // Greedy matching on a hash of four bytes; a block is at most 64 KiB, so every copy uses the two-byte offset form.
    private static void CompressBlock(ReadOnlySpan<byte> src, PooledBuffer output, int[] table)
    {
        uint length = (uint)src.Length;
        while (length >= 0x80)
        {
            output.Grow(1)[0] = (byte)(length | 0x80);
            length >>= 7;
        }

        output.Grow(1)[0] = (byte)length;
        Array.Clear(table, 0, 1 << HashBits);
        int literalStart = 0;
        int i = 0;
        while (i + 4 <= src.Length)
        {
            uint word = BinaryPrimitives.ReadUInt32LittleEndian(src[i..]);
            int hash = (int)((word * 0x1E35A7BD) >> (32 - HashBits));
            int candidate = table[hash] - 1;
            table[hash] = i + 1;
            if (candidate < 0 || BinaryPrimitives.ReadUInt32LittleEndian(src[candidate..]) != word)
            {
                i += 1 + ((i - literalStart) >> 5); // skip faster through incompressible data
                continue;
            }

            EmitLiteral(src[literalStart..i], output);
            int matched = 4;
            while (i + matched < src.Length && src[candidate + matched] == src[i + matched])
                matched++;
            int offset = i - candidate;
            for (int left = matched; left > 0;)
            {
                int chunk = Math.Min(left, 64);
                var tag = output.Grow(3);
                tag[0] = (byte)(((chunk - 1) << 2) | 2);
                BinaryPrimitives.WriteUInt16LittleEndian(tag[1..], (ushort)offset);
                left -= chunk;
            }

            i += matched;
            literalStart = i;
        }

        EmitLiteral(src[literalStart..], output);
    }

    private static void EmitLiteral(ReadOnlySpan<byte> literal, PooledBuffer output)
    {
        if (literal.IsEmpty)
            return;
        int n = literal.Length - 1;
        if (n < 60)
        {
            output.Grow(1)[0] = (byte)(n << 2);
        }
        else
        {
            int bytes = n < 1 << 8 ? 1 : n < 1 << 16 ? 2 : n < 1 << 24 ? 3 : 4;
            var tag = output.Grow(1 + bytes);
            tag[0] = (byte)((59 + bytes) << 2);
            for (int i = 0; i < bytes; i++)
                tag[1 + i] = (byte)(n >> (8 * i));
        }

        output.Write(literal);
    }

    private static CorruptRecordException Corrupt(string why) =>
        new($"snappy data is corrupt: {why}", RecordBatchLayout.RecordsOffset);
}
