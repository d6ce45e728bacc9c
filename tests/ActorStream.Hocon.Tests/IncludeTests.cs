using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public sealed class IncludeTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Plain_include_merges_at_the_include_position()
    {
        dir.Write("other.conf", "a = from-other\nb = from-other");
        var main = dir.Write("main.conf", "a = before\ninclude \"other.conf\"\nb = after");
        var config = ConfigFactory.ParseFile(main, Options());
        Assert.Equal("from-other", config.GetString("a"));
        Assert.Equal("after", config.GetString("b"));
    }

    [Theory]
    [InlineData("include file(\"other.conf\")")]
    [InlineData("include file( \"other.conf\" )")]
    [InlineData("include required(file(\"other.conf\"))")]
    [InlineData("include required( file(\"other.conf\") )")]
    [InlineData("include required(\"other.conf\")")]
    [InlineData("include\n  \"other.conf\"")]
    public void Include_forms(string includeLine)
    {
        dir.Write("other.conf", "x = 1");
        var main = dir.Write("main.conf", includeLine);
        Assert.Equal(1, ConfigFactory.ParseFile(main, Options()).GetInt("x"));
    }

    [Fact]
    public void Include_is_relative_to_the_including_file_not_the_working_directory()
    {
        dir.Write("conf/sub/leaf.conf", "leaf = true");
        dir.Write("conf/middle.conf", "include \"sub/leaf.conf\"\nmiddle = true");
        var main = dir.Write("conf/main.conf", "include \"middle.conf\"");
        var config = ConfigFactory.ParseFile(main, Options());
        Assert.True(config.GetBoolean("leaf"));
        Assert.True(config.GetBoolean("middle"));
    }

    [Fact]
    public void Absolute_include_path()
    {
        var other = dir.Write("elsewhere/abs.conf", "x = 2");
        var main = dir.Write("main.conf", $"include file({Quote(other)})");
        Assert.Equal(2, ConfigFactory.ParseFile(main, Options()).GetInt("x"));
    }

    [Fact]
    public void Include_inside_an_object_nests_keys_and_fixes_up_substitutions()
    {
        dir.Write("foo.conf", "x : 10, y : ${x}");
        var main = dir.Write("main.conf", "a : { include \"foo.conf\" }\nb { include \"foo.conf\" }\nb : { x : 42 }");
        var config = ConfigFactory.ParseFile(main, Options());
        Assert.Equal(10, config.GetInt("a.y"));
        Assert.Equal(42, config.GetInt("b.y"));
        Assert.False(config.HasPath("x"));
    }

    [Fact]
    public void Nested_include_keeps_environment_fallback_by_original_name()
    {
        dir.Write("env.conf", "home = ${HOME}");
        var main = dir.Write("main.conf", "settings { include \"env.conf\" }");
        var config = ConfigFactory.ParseFile(main, Options(new Dictionary<string, string> { ["HOME"] = "/h" }));
        Assert.Equal("/h", config.GetString("settings.home"));
    }

    [Fact]
    public void Missing_plain_include_is_silently_ignored()
    {
        var main = dir.Write("main.conf", "include \"nope.conf\"\ninclude file(\"nope2.conf\")\na = 1");
        var config = ConfigFactory.ParseFile(main, Options());
        Assert.Equal(["a"], config.Keys);
    }

    [Fact]
    public void Missing_required_include_is_an_error_with_origin()
    {
        var main = dir.Write("main.conf", "a = 1\ninclude required(file(\"nope.conf\"))");
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(main, Options()));
        Assert.Contains("nope.conf", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("main.conf:2", error.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void Later_keys_in_including_file_override_included_ones_and_objects_merge()
    {
        dir.Write("base.conf", "db { host = localhost, port = 5432 }\nname = base");
        var main = dir.Write("main.conf", "include \"base.conf\"\ndb.port = 6543\nname = main");
        var config = ConfigFactory.ParseFile(main, Options());
        Assert.Equal("localhost", config.GetString("db.host"));
        Assert.Equal(6543, config.GetInt("db.port"));
        Assert.Equal("main", config.GetString("name"));
    }

    [Fact]
    public void Include_without_extension_loads_conf_and_json()
    {
        dir.Write("both.json", "{ \"a\": 1, \"b\": 1 }");
        dir.Write("both.conf", "b = 2");
        var main = dir.Write("main.conf", "include \"both\"");
        var config = ConfigFactory.ParseFile(main, Options());
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
    }

    [Fact]
    public void Include_from_string_uses_base_directory()
    {
        dir.Write("x.conf", "x = 3");
        Assert.Equal(3, Parse("include \"x.conf\"", baseDirectory: dir.Path).GetInt("x"));
    }

    [Fact]
    public void Include_cycle_is_an_error()
    {
        dir.Write("a.conf", "include \"b.conf\"");
        dir.Write("b.conf", "include \"a.conf\"");
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(System.IO.Path.Combine(dir.Path, "a.conf"), Options()));
        Assert.Contains("include cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Included_file_parse_errors_name_that_file_and_line()
    {
        dir.Write("broken.conf", "ok = 1\nbad = [1,,2]");
        var main = dir.Write("main.conf", "include \"broken.conf\"");
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(main, Options()));
        Assert.EndsWith("broken.conf:2", error.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void Included_file_with_array_root_is_an_error()
    {
        dir.Write("list.conf", "[1, 2]");
        var main = dir.Write("main.conf", "include \"list.conf\"");
        Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(main, Options()));
    }

    [Theory]
    [InlineData("include foo", "quoted name")]
    [InlineData("include bogus(\"x\")", "unknown include form")]
    [InlineData("include file(\"x\"", "expected )")]
    [InlineData("include url(\"http://example.com/x.conf\")", "not supported")]
    [InlineData("include classpath(\"x.conf\")", "ResourceResolver")]
    public void Invalid_or_unsupported_includes(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text, baseDirectory: dir.Path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classpath_include_through_resource_resolver()
    {
        var resources = new Dictionary<string, string> { ["lib/defaults.conf"] = "x = 1\ninclude \"more.conf\"", ["lib/more.conf"] = "y = 2" };
        var options = new ConfigParseOptions { Environment = _ => null, ResourceResolver = name => resources.GetValueOrDefault(name) };
        var config = ConfigFactory.ParseString("include classpath(\"lib/defaults.conf\")\ninclude classpath(\"missing.conf\")", options: options);
        Assert.Equal(1, config.GetInt("x"));
        Assert.Equal(2, config.GetInt("y"));
        Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("include required(classpath(\"missing.conf\"))", options: options));
    }

    [Fact]
    public void ParseFile_missing_file_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(System.IO.Path.Combine(dir.Path, "none.conf")));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromResource_loads_embedded_reference_and_its_includes()
    {
        var config = ConfigFactory.FromResource(typeof(IncludeTests).Assembly, "reference.conf");
        Assert.Equal(1000, config.GetInt("actorstream.mailbox-capacity"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetDuration("actorstream.ask-timeout"));
        Assert.Equal("from-extra", config.GetString("actorstream.extra-setting"));
    }

    [Fact]
    public void FromResource_missing_resource_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.FromResource(typeof(IncludeTests).Assembly, "nope.conf"));
        Assert.Contains("nope.conf", error.Message, StringComparison.Ordinal);
    }

    private static string Quote(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal) + "\"";
}
