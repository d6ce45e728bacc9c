using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public class SyntaxTests
{
    [Theory]
    [InlineData("a = 1")]
    [InlineData("a : 1")]
    [InlineData("a=1")]
    [InlineData("{ a : 1 }")]
    [InlineData("{\"a\":1}")]
    [InlineData("\n\n  a = 1  \n\n")]
    [InlineData("a = 1,")]
    [InlineData("{ a = 1, }")]
    [InlineData("# comment\na = 1 # trailing\n// another\n")]
    [InlineData("a = 1 // comment")]
    public void Separators_root_braces_comments_and_trailing_commas(string text)
    {
        Assert.Equal(1, Parse(text).GetInt("a"));
    }

    [Fact]
    public void Json_document_parses_like_json()
    {
        var config = Parse("""
            {
              "name": "broker",
              "port": 9092,
              "ratio": 0.75,
              "enabled": true,
              "tags": ["a", "b"],
              "nested": { "x": null, "y": -3 }
            }
            """);
        Assert.Equal("broker", config.GetString("name"));
        Assert.Equal(9092, config.GetInt("port"));
        Assert.Equal(0.75, config.GetDouble("ratio"));
        Assert.True(config.GetBoolean("enabled"));
        Assert.Equal(["a", "b"], config.GetStringList("tags"));
        Assert.False(config.HasPath("nested.x"));
        Assert.Equal(-3, config.GetInt("nested.y"));
    }

    [Fact]
    public void Key_followed_by_brace_needs_no_separator()
    {
        var config = Parse("foo { bar { baz = 42 } }\n\"quoted\" {}");
        Assert.Equal(42, config.GetInt("foo.bar.baz"));
        Assert.True(config.GetConfig("quoted").IsEmpty);
        Assert.Contains("quoted", config.Keys);
    }

    [Fact]
    public void Newlines_separate_fields_and_elements_without_commas()
    {
        var config = Parse("a = 1\nb = 2\nlist = [\n  1\n  2\n  3\n]\nobj {\n x = 1\n y = 2\n}");
        Assert.Equal(2, config.GetInt("b"));
        Assert.Equal([1, 2, 3], config.GetIntList("list"));
        Assert.Equal(2, config.GetInt("obj.y"));
    }

    [Theory]
    [InlineData("a = [1,2,3,]")]
    [InlineData("a = [1,2,3]")]
    [InlineData("a = [1\n2\n3]")]
    [InlineData("a = [\n1,\n2,\n3,\n]")]
    public void Equivalent_arrays_from_the_spec(string text)
    {
        Assert.Equal([1, 2, 3], Parse(text).GetIntList("a"));
    }

    [Theory]
    [InlineData("a = [1,2,3,,]", "two commas")]
    [InlineData("a = [,1,2,3]", "expected a value")]
    [InlineData("a = [1,,2,3]", "two commas")]
    [InlineData("a = 1,,\nb = 2", "two commas")]
    [InlineData("a = 1 }", "unbalanced")]
    [InlineData("{ a = 1", "expected '}'")]
    [InlineData("a = [1, 2", "expected ']'")]
    [InlineData("a 1", "expected ':', '=' or '{'")]
    [InlineData("a = ", "expected a value")]
    [InlineData("a = \"unterminated", "unterminated")]
    [InlineData("a = \"line\nbreak\"", "newline inside a quoted string")]
    [InlineData("a = \"bad \\q escape\"", "invalid escape")]
    [InlineData("a = foo!", "reserved character '!'")]
    [InlineData("a = $foo", "'$' must start a substitution")]
    [InlineData("a + 1", "'+'")]
    [InlineData("[1, 2]", "root of a config must be an object")]
    [InlineData("a..b = 1", "empty path element")]
    [InlineData(".a = 1", "empty path element")]
    [InlineData("a. = 1", "may not end with '.'")]
    [InlineData("${x} = 1", "expected a key")]
    [InlineData("a ${x} = 1", "substitutions are not allowed in keys")]
    [InlineData("a = ${}", "empty substitution")]
    [InlineData("a = ${b", "unterminated substitution")]
    [InlineData("a = \"\"\"never closed", "unterminated")]
    [InlineData("{ a = 1 } b = 2", "expected end of input")]
    [InlineData("a = 1 b = 2", "expected ',' or a newline")]
    [InlineData("a = [1] x", "cannot concatenate")]
    public void Invalid_documents_are_errors_naming_the_problem(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text).Resolve());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_errors_name_origin_and_line()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = 1\nb = 2\nc = [1,,2]", originName: "app.conf"));
        Assert.Equal("app.conf:3", error.Origin);
        Assert.StartsWith("app.conf:3:", error.Message, StringComparison.Ordinal);

        var fromString = Assert.Throws<ConfigException>(() => Parse("\n\nx = }"));
        Assert.Equal("<string>:3", fromString.Origin);
    }

    [Theory]
    [InlineData("a = \"tab\\there\"", "tab\there")]
    [InlineData("a = \"line\\nbreak\"", "line\nbreak")]
    [InlineData("a = \"quote\\\"inside\"", "quote\"inside")]
    [InlineData("a = \"back\\\\slash\"", "back\\slash")]
    [InlineData("a = \"slash\\/\"", "slash/")]
    [InlineData("a = \"\\u0041\\u00e9\\u20AC\"", "Aé€")]
    [InlineData("a = \"\\b\\f\\r\"", "\b\f\r")]
    [InlineData("a = \"# not a comment // nor this\"", "# not a comment // nor this")]
    [InlineData("a = \"${not.a.substitution}\"", "${not.a.substitution}")]
    [InlineData("a = \"\"", "")]
    public void Quoted_strings_use_json_escapes(string text, string expected)
    {
        Assert.Equal(expected, Parse(text).GetString("a"));
    }

    [Theory]
    [InlineData("a = \"\"\"raw \\n text\"\"\"", "raw \\n text")]
    [InlineData("a = \"\"\"line1\nline2\"\"\"", "line1\nline2")]
    [InlineData("a = \"\"\"has \"quotes\" and \"\" inside\"\"\"", "has \"quotes\" and \"\" inside")]
    [InlineData("a = \"\"\"foo\"\"\"\"", "foo\"")]
    [InlineData("a = \"\"\"foo\"\"\"\"\"", "foo\"\"")]
    [InlineData("a = \"\"\"\"\"\"", "")]
    [InlineData("a = \"\"\"${x} # //\"\"\"", "${x} # //")]
    public void Triple_quoted_strings_are_raw(string text, string expected)
    {
        Assert.Equal(expected, Parse(text).GetString("a"));
    }

    [Fact]
    public void Triple_quoted_string_keeps_line_numbers_right()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = \"\"\"1\n2\n3\"\"\"\nb = [,]", originName: "t.conf"));
        Assert.Equal("t.conf:4", error.Origin);
    }

    [Theory]
    [InlineData("a = hello", "hello")]
    [InlineData("a = hello.world-1_x/y", "hello.world-1_x/y")]
    [InlineData("a = foo//comment", "foo")]
    [InlineData("a = footrue", "footrue")]
    [InlineData("a = truefoo", "truefoo")]
    [InlineData("a = bar10.0", "bar10.0")]
    [InlineData("a = 10.0bar", "10.0bar")]
    [InlineData("a = include", "include")]
    [InlineData("a = nullx", "nullx")]
    public void Unquoted_strings(string text, string expected)
    {
        Assert.Equal(expected, Parse(text).GetString("a"));
    }

    [Fact]
    public void Unquoted_string_stops_at_forbidden_characters()
    {
        // ':' ends the unquoted string, so the value "http" is followed by a second separator.
        Assert.Throws<ConfigException>(() => Parse("a = http://x:80"));
        Assert.Equal("http://x:80", Parse("a = \"http://x:80\"").GetString("a"));
    }

    [Theory]
    [InlineData("a = 42", 42L)]
    [InlineData("a = -7", -7L)]
    [InlineData("a = 0", 0L)]
    [InlineData("a = 9223372036854775807", long.MaxValue)]
    [InlineData("a = 1e3", 1000L)]
    [InlineData("a = \"123\"", 123L)]
    public void Integers(string text, long expected)
    {
        Assert.Equal(expected, Parse(text).GetLong("a"));
    }

    [Theory]
    [InlineData("a = 3.14", 3.14)]
    [InlineData("a = -0.5", -0.5)]
    [InlineData("a = 1e-3", 0.001)]
    [InlineData("a = 2.5E2", 250.0)]
    [InlineData("a = 7", 7.0)]
    [InlineData("a = \"1.5\"", 1.5)]
    public void Doubles(string text, double expected)
    {
        Assert.Equal(expected, Parse(text).GetDouble("a"), 10);
    }

    [Fact]
    public void Numbers_keep_their_original_text_as_strings()
    {
        var config = Parse("a = 1e5\nb = 10.50\nc = 007");
        Assert.Equal("1e5", config.GetString("a"));
        Assert.Equal("10.50", config.GetString("b"));
        Assert.Equal("007", config.GetString("c"));
    }

    [Theory]
    [InlineData("a = true", true)]
    [InlineData("a = false", false)]
    [InlineData("a = yes", true)]
    [InlineData("a = no", false)]
    [InlineData("a = on", true)]
    [InlineData("a = off", false)]
    [InlineData("a = \"true\"", true)]
    [InlineData("a = \"off\"", false)]
    public void Booleans(string text, bool expected)
    {
        Assert.Equal(expected, Parse(text).GetBoolean("a"));
    }

    [Fact]
    public void Booleans_render_as_strings()
    {
        Assert.Equal("true", Parse("a = true").GetString("a"));
    }

    [Fact]
    public void Null_values_count_as_absent_for_getters_with_defaults()
    {
        var config = Parse("a = null");
        Assert.False(config.HasPath("a"));
        Assert.Equal("fallback", config.GetString("a", "fallback"));
        var error = Assert.Throws<ConfigException>(() => config.GetString("a"));
        Assert.Contains("got null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Whitespace_includes_unicode_separators_and_bom()
    {
        var config = Parse("\uFEFFa\u00A0=\u2003 1\u001C,\tb = 2\r\n");
        Assert.Equal(1, config.GetInt("a"));
        Assert.Equal(2, config.GetInt("b"));
    }

    [Fact]
    public void Crlf_line_endings_work()
    {
        var config = Parse("a = 1\r\nb = hello\r\nc = [1,\r\n2]\r\n");
        Assert.Equal("hello", config.GetString("b"));
        Assert.Equal([1, 2], config.GetIntList("c"));
    }

    [Fact]
    public void Empty_document_is_an_empty_config()
    {
        Assert.True(Parse("").IsEmpty);
        Assert.True(Parse("# just a comment\n").IsEmpty);
        Assert.True(Parse("{}").IsEmpty);
    }

    [Fact]
    public void Nested_arrays_and_objects_in_arrays()
    {
        var config = Parse("a = [[1, 2], [3], { x = 1 }]\nb = [{ name = one }, { name = two }]");
        var items = config.GetConfigList("b");
        Assert.Equal(["one", "two"], items.Select(c => c.GetString("name")));
        Assert.Contains("[[1, 2], [3], {", config.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Separator_may_be_followed_by_newline()
    {
        Assert.Equal(5, Parse("a =\n  5").GetInt("a"));
    }
}
