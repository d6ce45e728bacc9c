using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public class ConfigApiTests
{
    private static readonly Config Sample = Parse("""
        broker {
          id = 1
          host = "0.0.0.0"
          port = 9092
          big = 5000000000
          ratio = 0.25
          enabled = on
          tags = [fast, "local", 3]
          log { segment-bytes = 1GiB, retention = 7 days }
        }
        "dotted.key" = yes
        """, originName: "app.conf");

    [Fact]
    public void Typed_getters()
    {
        Assert.Equal(1, Sample.GetInt("broker.id"));
        Assert.Equal("0.0.0.0", Sample.GetString("broker.host"));
        Assert.Equal(5_000_000_000L, Sample.GetLong("broker.big"));
        Assert.Equal(0.25, Sample.GetDouble("broker.ratio"));
        Assert.True(Sample.GetBoolean("broker.enabled"));
        Assert.Equal(["fast", "local", "3"], Sample.GetStringList("broker.tags"));
        Assert.Equal(1L << 30, Sample.GetByteSize("broker.log.segment-bytes"));
        Assert.Equal(TimeSpan.FromDays(7), Sample.GetDuration("broker.log.retention"));
        Assert.True(Sample.GetBoolean("\"dotted.key\""));
        Assert.Equal("9092", Sample.GetString("broker.port"));
    }

    [Fact]
    public void Defaults_apply_only_when_missing()
    {
        Assert.Equal("x", Sample.GetString("broker.nope", "x"));
        Assert.Equal(7, Sample.GetInt("nope.nope", 7));
        Assert.Equal(9092, Sample.GetInt("broker.port", 7));
        Assert.True(Sample.GetBoolean("nope", true));
        Assert.False(Sample.GetBoolean("broker.enabled.deeper", false));
        Assert.Equal(3L, Sample.GetLong("nope", 3L));
        Assert.Equal(1.5, Sample.GetDouble("nope", 1.5));
    }

    [Fact]
    public void Network_getters_read_an_ip_address_and_a_port()
    {
        Assert.Equal(System.Net.IPAddress.Any, Sample.GetIPAddress("broker.host"));
        Assert.Equal(9092, Sample.GetPort("broker.port"));
        Assert.Equal(0, Parse("p = 0").GetPort("p"));
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, Parse("h = \"::1\"").GetIPAddress("h"));
    }

    [Theory]
    [InlineData("p = 70000", "port number between 0 and 65535", true)]
    [InlineData("p = -1", "port number between 0 and 65535", true)]
    [InlineData("p = 0", "port number between 1 and 65535", false)]
    [InlineData("p = http", "port number", true)]
    public void A_bad_port_names_the_key_the_line_and_the_range(string text, string expected, bool allowZero)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text, originName: "node.conf").GetPort("p", allowZero));
        Assert.StartsWith("p at node.conf:1: expected a " + expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("p", error.Path);
    }

    [Theory]
    [InlineData("h = \"my-laptop\"", "\"my-laptop\"")]
    [InlineData("h = 10.0.0", "\"10.0.0\"")]
    [InlineData("h = [1]", "a list")]
    public void A_host_name_or_garbage_is_not_an_address_to_bind(string text, string got)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text, originName: "node.conf").GetIPAddress("h"));
        Assert.Contains("expected an IP address to bind", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("got " + got, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HasPath()
    {
        Assert.True(Sample.HasPath("broker"));
        Assert.True(Sample.HasPath("broker.log.retention"));
        Assert.False(Sample.HasPath("broker.missing"));
        Assert.False(Sample.HasPath("broker.port.deeper"));
    }

    [Theory]
    [InlineData("broker.missing")]
    [InlineData("nothing.at.all")]
    public void Missing_path_throws_naming_the_path(string path)
    {
        var error = Assert.Throws<ConfigException>(() => Sample.GetString(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broker.host", "int")]
    [InlineData("broker.ratio", "int")]
    [InlineData("broker.big", "int")]
    [InlineData("broker.tags", "int")]
    [InlineData("broker", "int")]
    public void Wrong_type_for_int(string path, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Sample.GetInt(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Path);
        Assert.StartsWith("app.conf:", error.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_type_messages_name_path_origin_expectation_and_value()
    {
        var error = Assert.Throws<ConfigException>(() => Sample.GetBoolean("broker.host"));
        Assert.Equal("broker.host at app.conf:3: expected a boolean (true/false, yes/no, on/off), got \"0.0.0.0\"", error.Message);

        var list = Assert.Throws<ConfigException>(() => Sample.GetString("broker.tags"));
        Assert.Contains("got a list", list.Message, StringComparison.Ordinal);

        var obj = Assert.Throws<ConfigException>(() => Sample.GetStringList("broker.log"));
        Assert.Contains("expected a list of strings, got an object", obj.Message, StringComparison.Ordinal);

        Assert.Throws<ConfigException>(() => Sample.GetDouble("broker.host"));
        Assert.Throws<ConfigException>(() => Sample.GetLong("broker.host"));
        Assert.Throws<ConfigException>(() => Sample.GetConfig("broker.port"));
    }

    [Fact]
    public void String_list_rejects_nested_objects()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = [x, { b = 1 }]").GetStringList("a"));
        Assert.Contains("a list of strings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetConfig_returns_subtree_or_empty()
    {
        var log = Sample.GetConfig("broker.log");
        Assert.Equal(["segment-bytes", "retention"], log.Keys);
        Assert.Equal(TimeSpan.FromDays(7), log.GetDuration("retention"));
        var missing = Sample.GetConfig("broker.nope");
        Assert.True(missing.IsEmpty);
        Assert.False(missing.HasPath("x"));
    }

    [Fact]
    public void GetConfig_subtree_can_take_fallbacks()
    {
        var sub = Sample.GetConfig("broker.log").WithFallback(Parse("retention = 1 day\ncleanup = delete"));
        Assert.Equal(TimeSpan.FromDays(7), sub.GetDuration("retention"));
        Assert.Equal("delete", sub.GetString("cleanup"));
    }

    [Fact]
    public void Keys_in_definition_order()
    {
        Assert.Equal(["broker", "dotted.key"], Sample.Keys);
        Assert.Equal(["z", "a", "m"], Parse("z = 1\na = 2\nm = 3\nz = 4").Keys);
    }

    [Fact]
    public void Int_accepts_whole_numbers_written_differently()
    {
        var config = Parse("a = 10.0\nb = \" 12 \"\nc = 2147483648");
        Assert.Equal(10, config.GetInt("a"));
        Assert.Equal(12, config.GetInt("b"));
        Assert.Throws<ConfigException>(() => config.GetInt("c"));
        Assert.Equal(2_147_483_648L, config.GetLong("c"));
    }

    [Fact]
    public void Render_produces_readable_text_that_parses_back()
    {
        var rendered = Sample.Render();
        Assert.Contains("port : 9092", rendered, StringComparison.Ordinal);
        Assert.Contains("host : \"0.0.0.0\"", rendered, StringComparison.Ordinal);
        Assert.Contains("\"dotted.key\" : \"yes\"", rendered, StringComparison.Ordinal);
        var reparsed = Parse(rendered);
        Assert.Equal(Sample.GetInt("broker.port"), reparsed.GetInt("broker.port"));
        Assert.Equal(Sample.GetStringList("broker.tags"), reparsed.GetStringList("broker.tags"));
        Assert.True(reparsed.GetBoolean("\"dotted.key\""));
        Assert.Equal(rendered, reparsed.Render());
    }

    [Fact]
    public void Render_escapes_strings_and_shows_resolved_values()
    {
        var rendered = Parse("a = \"line\\n\\\"q\\\"\"\nb = ${a}\nc = [1, null]\nd {}").Render();
        Assert.Contains("a : \"line\\n\\\"q\\\"\"", rendered, StringComparison.Ordinal);
        Assert.Contains("b : \"line\\n\\\"q\\\"\"", rendered, StringComparison.Ordinal);
        Assert.Contains("c : [1, null]", rendered, StringComparison.Ordinal);
        Assert.Contains("d : {}", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("${", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_path_argument_is_a_config_exception()
    {
        Assert.Throws<ConfigException>(() => Sample.GetString("a..b"));
        Assert.Throws<ConfigException>(() => Sample.GetString(""));
    }

    [Fact]
    public void Config_is_safe_to_read_concurrently()
    {
        var config = Parse(string.Join('\n', Enumerable.Range(0, 200).Select(i => $"k{i} = ${{base}}-{i}")) + "\nbase = b");
        Parallel.For(0, 200, i => Assert.Equal($"b-{i}", config.GetString($"k{i}")));
    }

    [Fact]
    public void Exception_constructors()
    {
        var error = new ConfigException("m", "p", "o");
        Assert.Equal("p", error.Path);
        Assert.Equal("o", error.Origin);
        Assert.Null(new ConfigException("x").Path);
    }
}
