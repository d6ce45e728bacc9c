using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public class UnitsTests
{
    [Theory]
    [InlineData("10s", 10_000_000_000L)]
    [InlineData("250ms", 250_000_000L)]
    [InlineData("2 minutes", 120_000_000_000L)]
    [InlineData("1 h", 3_600_000_000_000L)]
    [InlineData("3d", 259_200_000_000_000L)]
    [InlineData("500us", 500_000L)]
    [InlineData("100ns", 100L)]
    [InlineData("1500", 1_500_000_000L)]
    [InlineData("\"1500\"", 1_500_000_000L)]
    [InlineData("1.5s", 1_500_000_000L)]
    [InlineData("0.5 days", 43_200_000_000_000L)]
    [InlineData("1 nanosecond", 0L)]
    [InlineData("200 nanoseconds", 200L)]
    [InlineData("1 microsecond", 1_000L)]
    [InlineData("7 microseconds", 7_000L)]
    [InlineData("1 millisecond", 1_000_000L)]
    [InlineData("30 milliseconds", 30_000_000L)]
    [InlineData("1 second", 1_000_000_000L)]
    [InlineData("5 seconds", 5_000_000_000L)]
    [InlineData("1m", 60_000_000_000L)]
    [InlineData("1 minute", 60_000_000_000L)]
    [InlineData("2 hour", 7_200_000_000_000L)]
    [InlineData("2 hours", 7_200_000_000_000L)]
    [InlineData("1 day", 86_400_000_000_000L)]
    [InlineData("\"  42 ms  \"", 42_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("-5s", -5_000_000_000L)]
    public void Durations(string value, long nanoseconds)
    {
        var expected = TimeSpan.FromTicks(nanoseconds / 100);
        Assert.Equal(expected, Parse($"d = {value}").GetDuration("d"));
    }

    [Theory]
    [InlineData("ten")]
    [InlineData("10 S")]
    [InlineData("10 sec")]
    [InlineData("10 MS")]
    [InlineData("10 fortnights")]
    [InlineData("s")]
    [InlineData("[1]")]
    [InlineData("{ a = 1 }")]
    [InlineData("true")]
    [InlineData("99999999999 days")]
    public void Invalid_durations(string value)
    {
        var error = Assert.Throws<ConfigException>(() => Parse($"d = {value}").GetDuration("d"));
        Assert.Contains("expected a duration such as 10s, 250ms or 2 minutes", error.Message, StringComparison.Ordinal);
        Assert.Equal("d", error.Path);
    }

    [Fact]
    public void Duration_error_matches_documented_format()
    {
        var config = Parse("akka {\n  x = ten\n}", originName: "app.conf");
        var error = Assert.Throws<ConfigException>(() => config.GetDuration("akka.x"));
        Assert.Equal("akka.x at app.conf:2: expected a duration such as 10s, 250ms or 2 minutes, got \"ten\"", error.Message);
        Assert.Equal("akka.x", error.Path);
        Assert.Equal("app.conf:2", error.Origin);
    }

    [Fact]
    public void Duration_default_when_missing()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Parse("").GetDuration("x", TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(1), Parse("x = 1s").GetDuration("x", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Duration_list()
    {
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20)], Parse("x = [1s, 20ms]").GetDurationList("x"));
    }

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("\"1024\"", 1024L)]
    [InlineData("64KiB", 65_536L)]
    [InlineData("1g", 1_073_741_824L)]
    [InlineData("512 MB", 512_000_000L)]
    [InlineData("10k", 10_240L)]
    [InlineData("10K", 10_240L)]
    [InlineData("10Ki", 10_240L)]
    [InlineData("1 kibibyte", 1_024L)]
    [InlineData("2 kibibytes", 2_048L)]
    [InlineData("1kB", 1_000L)]
    [InlineData("1 kilobyte", 1_000L)]
    [InlineData("3 kilobytes", 3_000L)]
    [InlineData("1M", 1_048_576L)]
    [InlineData("1m", 1_048_576L)]
    [InlineData("1Mi", 1_048_576L)]
    [InlineData("1MiB", 1_048_576L)]
    [InlineData("1 mebibyte", 1_048_576L)]
    [InlineData("2 mebibytes", 2_097_152L)]
    [InlineData("1MB", 1_000_000L)]
    [InlineData("1 megabyte", 1_000_000L)]
    [InlineData("1 megabytes", 1_000_000L)]
    [InlineData("1G", 1_073_741_824L)]
    [InlineData("1Gi", 1_073_741_824L)]
    [InlineData("1GiB", 1_073_741_824L)]
    [InlineData("1 gibibyte", 1_073_741_824L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1 gigabytes", 1_000_000_000L)]
    [InlineData("1T", 1_099_511_627_776L)]
    [InlineData("1t", 1_099_511_627_776L)]
    [InlineData("1TiB", 1_099_511_627_776L)]
    [InlineData("1 tebibytes", 1_099_511_627_776L)]
    [InlineData("1TB", 1_000_000_000_000L)]
    [InlineData("1 terabyte", 1_000_000_000_000L)]
    [InlineData("1P", 1_125_899_906_842_624L)]
    [InlineData("1p", 1_125_899_906_842_624L)]
    [InlineData("1PiB", 1_125_899_906_842_624L)]
    [InlineData("1 pebibyte", 1_125_899_906_842_624L)]
    [InlineData("1PB", 1_000_000_000_000_000L)]
    [InlineData("1 petabytes", 1_000_000_000_000_000L)]
    [InlineData("1E", 1_152_921_504_606_846_976L)]
    [InlineData("1e", 1_152_921_504_606_846_976L)]
    [InlineData("1EiB", 1_152_921_504_606_846_976L)]
    [InlineData("1 exbibyte", 1_152_921_504_606_846_976L)]
    [InlineData("1EB", 1_000_000_000_000_000_000L)]
    [InlineData("1 exabyte", 1_000_000_000_000_000_000L)]
    [InlineData("5B", 5L)]
    [InlineData("5b", 5L)]
    [InlineData("1 byte", 1L)]
    [InlineData("7 bytes", 7L)]
    [InlineData("1.5K", 1_536L)]
    [InlineData("0.5 MB", 500_000L)]
    public void Byte_sizes(string value, long expected)
    {
        Assert.Equal(expected, Parse($"s = {value}").GetByteSize("s"));
    }

    [Theory]
    [InlineData("1ZB")]
    [InlineData("1 zettabyte")]
    [InlineData("1Zi")]
    [InlineData("1 zebibytes")]
    [InlineData("1z")]
    [InlineData("1YB")]
    [InlineData("1 yottabytes")]
    [InlineData("1YiB")]
    [InlineData("1 yobibyte")]
    [InlineData("1y")]
    [InlineData("8EiB")]
    public void Byte_sizes_that_overflow_a_long_are_errors_but_known_units(string value)
    {
        var error = Assert.Throws<ConfigException>(() => Parse($"s = {value}").GetByteSize("s"));
        Assert.Contains("expected a size in bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("big")]
    [InlineData("10 KB")]
    [InlineData("10 mb")]
    [InlineData("10 kib")]
    [InlineData("10 Kib")]
    [InlineData("10 gigs")]
    [InlineData("[1]")]
    public void Invalid_byte_sizes(string value)
    {
        var error = Assert.Throws<ConfigException>(() => Parse($"s = {value}").GetByteSize("s"));
        Assert.Contains("expected a size in bytes such as 512MiB, 64k or 1GB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_size_default_when_missing()
    {
        Assert.Equal(42L, Parse("").GetByteSize("s", 42L));
    }

    [Fact]
    public void Units_table_is_reachable_through_internal_parsers()
    {
        Assert.True(ByteSizes.TryParse("1ZiB", out _) is false);
        Assert.True(Hocon.Durations.TryParse("1 d", out var day));
        Assert.Equal(TimeSpan.FromDays(1), day);
    }
}
