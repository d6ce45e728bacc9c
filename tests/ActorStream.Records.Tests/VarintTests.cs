namespace ActorStream.Records.Tests;

public sealed class VarintTests
{
    // Expected encodings are Kafka's own (ByteUtilsTest.testVarintSerde / testVarlongSerde / testUnsignedVarintSerde).
    public static TheoryData<int, string> SignedVarints => new()
    {
        { 0, "00" },
        { -1, "01" },
        { 1, "02" },
        { 63, "7E" },
        { -64, "7F" },
        { 64, "8001" },
        { -65, "8101" },
        { 8191, "FE7F" },
        { -8192, "FF7F" },
        { 8192, "808001" },
        { -8193, "818001" },
        { 1048575, "FEFF7F" },
        { -1048576, "FFFF7F" },
        { 1048576, "80808001" },
        { -1048577, "81808001" },
        { 134217727, "FEFFFF7F" },
        { -134217728, "FFFFFF7F" },
        { 134217728, "8080808001" },
        { -134217729, "8180808001" },
        { int.MaxValue, "FEFFFFFF0F" },
        { int.MinValue, "FFFFFFFF0F" },
    };

    public static TheoryData<long, string> SignedVarlongs => new()
    {
        { 0, "00" },
        { -1, "01" },
        { 63, "7E" },
        { -64, "7F" },
        { 64, "8001" },
        { 8191, "FE7F" },
        { 8192, "808001" },
        { int.MaxValue, "FEFFFFFF0F" },
        { int.MinValue, "FFFFFFFF0F" },
        { 17179869183L, "FEFFFFFF7F" },
        { -17179869184L, "FFFFFFFF7F" },
        { 17179869184L, "808080808001" },
        { -17179869185L, "818080808001" },
        { 281474976710656L, "8080808080808001" },
        { -281474976710657L, "8180808080808001" },
        { 4611686018427387903L, "FEFFFFFFFFFFFFFF7F" },
        { -4611686018427387904L, "FFFFFFFFFFFFFFFF7F" },
        { 4611686018427387904L, "80808080808080808001" },
        { -4611686018427387905L, "81808080808080808001" },
        { long.MaxValue, "FEFFFFFFFFFFFFFFFF01" },
        { long.MinValue, "FFFFFFFFFFFFFFFFFF01" },
    };

    public static TheoryData<int, string> UnsignedVarints => new()
    {
        { 0, "00" },
        { -1, "FFFFFFFF0F" },
        { 1, "01" },
        { 63, "3F" },
        { -64, "C0FFFFFF0F" },
        { 64, "40" },
        { 8191, "FF3F" },
        { -8192, "80C0FFFF0F" },
        { 8192, "8040" },
        { -8193, "FFBFFFFF0F" },
        { 1048575, "FFFF3F" },
        { 1048576, "808040" },
        { int.MaxValue, "FFFFFFFF07" },
        { int.MinValue, "8080808008" },
    };

    [Theory]
    [MemberData(nameof(SignedVarints))]
    public void Varint_matches_Kafka_encoding(int value, string hex)
    {
        byte[] expected = Convert.FromHexString(hex);
        Span<byte> buffer = stackalloc byte[Varint.MaxVarintBytes];

        int written = Varint.WriteVarint(buffer, value);

        Assert.Equal(expected, buffer[..written].ToArray());
        Assert.Equal(expected.Length, Varint.SizeOfVarint(value));
        Assert.Equal(value, Varint.ReadVarint(expected, out int read));
        Assert.Equal(expected.Length, read);
    }

    [Theory]
    [MemberData(nameof(SignedVarlongs))]
    public void Varlong_matches_Kafka_encoding(long value, string hex)
    {
        byte[] expected = Convert.FromHexString(hex);
        Span<byte> buffer = stackalloc byte[Varint.MaxVarlongBytes];

        int written = Varint.WriteVarlong(buffer, value);

        Assert.Equal(expected, buffer[..written].ToArray());
        Assert.Equal(expected.Length, Varint.SizeOfVarlong(value));
        Assert.Equal(value, Varint.ReadVarlong(expected, out int read));
        Assert.Equal(expected.Length, read);
    }

    [Theory]
    [MemberData(nameof(UnsignedVarints))]
    public void Unsigned_varint_matches_Kafka_encoding(int value, string hex)
    {
        byte[] expected = Convert.FromHexString(hex);
        Span<byte> buffer = stackalloc byte[Varint.MaxVarintBytes];

        int written = Varint.WriteUnsignedVarint(buffer, (uint)value);

        Assert.Equal(expected, buffer[..written].ToArray());
        Assert.Equal(expected.Length, Varint.SizeOfUnsignedVarint((uint)value));
        Assert.Equal((uint)value, Varint.ReadUnsignedVarint(expected, out int read));
        Assert.Equal(expected.Length, read);
    }

    [Fact]
    public void Unsigned_varlong_round_trips_extremes()
    {
        Span<byte> buffer = stackalloc byte[Varint.MaxVarlongBytes];
        foreach (ulong value in new[] { 0UL, 127UL, 128UL, uint.MaxValue, ulong.MaxValue })
        {
            int written = Varint.WriteUnsignedVarlong(buffer, value);
            Assert.Equal(Varint.SizeOfUnsignedVarlong(value), written);
            Assert.Equal(value, Varint.ReadUnsignedVarlong(buffer[..written], out int read));
            Assert.Equal(written, read);
        }

        Assert.Equal(10, Varint.SizeOfUnsignedVarlong(ulong.MaxValue));
    }

    [Fact]
    public void Random_values_round_trip_and_sizes_agree()
    {
        var random = new Random(42);
        Span<byte> buffer = stackalloc byte[Varint.MaxVarlongBytes];
        for (int i = 0; i < 10_000; i++)
        {
            int shift = random.Next(64);
            long value = random.NextInt64() >> shift;
            if ((i & 1) == 0)
                value = -value;

            int written = Varint.WriteVarlong(buffer, value);
            Assert.Equal(Varint.SizeOfVarlong(value), written);
            Assert.True(Varint.TryReadVarlong(buffer[..written], out long back, out int read));
            Assert.Equal(value, back);
            Assert.Equal(written, read);

            int small = (int)value;
            written = Varint.WriteVarint(buffer, small);
            Assert.Equal(Varint.SizeOfVarint(small), written);
            Assert.Equal(small, Varint.ReadVarint(buffer[..written], out _));
        }
    }

    [Fact]
    public void Over_long_encodings_are_rejected_like_Kafka()
    {
        // Kafka's testInvalidVarint / testInvalidVarlong: one continuation byte too many.
        byte[] varint = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        byte[] varlong = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];

        Assert.False(Varint.TryReadVarint(varint, out _, out _));
        Assert.False(Varint.TryReadVarlong(varlong, out _, out _));
        var e = Assert.Throws<InvalidDataException>(() => Varint.ReadVarint(varint, out _));
        Assert.Contains("more than 5 bytes", e.Message);
        Assert.Throws<InvalidDataException>(() => Varint.ReadVarlong(varlong, out _));
    }

    [Fact]
    public void Truncated_encodings_are_rejected()
    {
        byte[] truncated = [0x80, 0x80];

        Assert.False(Varint.TryReadVarint(truncated, out _, out _));
        Assert.False(Varint.TryReadVarint([], out _, out _));
        var e = Assert.Throws<InvalidDataException>(() => Varint.ReadVarint(truncated, out _));
        Assert.Contains("Truncated", e.Message);
    }

    [Fact]
    public void Writing_into_a_too_small_span_throws()
    {
        var buffer = new byte[2];
        Assert.Throws<ArgumentException>(() => Varint.WriteVarint(buffer, int.MaxValue));
        Assert.Throws<ArgumentException>(() => Varint.WriteVarint([], 0));
    }
}
