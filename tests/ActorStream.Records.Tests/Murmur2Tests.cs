using System.Text;

namespace ActorStream.Records.Tests;

public sealed class Murmur2Tests
{
    // Kafka's UtilsTest.testMurmur2 vectors.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Hash_matches_Kafka(string key, int expected)
        => Assert.Equal(expected, Murmur2.Hash(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Hash_of_empty_input()
        => Assert.Equal(275646681, Murmur2.Hash([]));

    [Fact]
    public void ToPositive_clears_the_sign_bit_like_Kafka()
    {
        Assert.Equal(0, Murmur2.ToPositive(int.MinValue));
        Assert.Equal(int.MaxValue, Murmur2.ToPositive(-1));
        Assert.Equal(5, Murmur2.ToPositive(5));
        Assert.Equal(-790332482 & 0x7FFFFFFF, Murmur2.ToPositive(-790332482));
    }

    [Theory]
    [InlineData("foobar", 10, 6)]
    [InlineData("foobar", 50, 16)]
    [InlineData("21", 7, 1173551340 % 7)]
    public void Partition_is_toPositive_hash_mod_partitions(string key, int partitions, int expected)
        => Assert.Equal(expected, Murmur2.Partition(Encoding.UTF8.GetBytes(key), partitions));

    [Fact]
    public void Partition_rejects_non_positive_counts()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Murmur2.Partition("k"u8, 0));
}
