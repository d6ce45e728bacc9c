using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public class ConcatenationTests
{
    [Theory]
    [InlineData("a = foo bar  baz", "foo bar  baz")]
    [InlineData("a =   foo bar baz   ", "foo bar baz")]
    [InlineData("a = foo \"bar\" baz", "foo bar baz")]
    [InlineData("a = \"foo\"\"bar\"", "foobar")]
    [InlineData("a = true foo", "true foo")]
    [InlineData("a = null foo", "null foo")]
    [InlineData("a = 1 2 3", "1 2 3")]
    [InlineData("a = 1.50 apples", "1.50 apples")]
    [InlineData("a = 10s", "10s")]
    [InlineData("a = foo\t bar", "foo\t bar")]
    [InlineData("a = \"\"\"x\"\"\" y", "x y")]
    public void Simple_values_concatenate_into_a_string_with_inner_whitespace(string text, string expected)
    {
        Assert.Equal(expected, Parse(text).GetString("a"));
    }

    [Fact]
    public void A_single_value_keeps_its_type()
    {
        var config = Parse("a = true\nb = 42\nc = null");
        Assert.True(config.GetBoolean("a"));
        Assert.Equal(42, config.GetInt("b"));
        Assert.False(config.HasPath("c"));
        Assert.Contains("a : true", config.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Concatenation_does_not_span_newlines()
    {
        var config = Parse("a = foo\nbar = baz");
        Assert.Equal("foo", config.GetString("a"));
        Assert.Equal("baz", config.GetString("bar"));
    }

    [Theory]
    [InlineData("a = [1, 2] [3]", new[] { 1, 2, 3 })]
    [InlineData("a = [1][2][3]", new[] { 1, 2, 3 })]
    [InlineData("a = [] [1]", new[] { 1 })]
    [InlineData("a = [1, 2] [] [3, 4]", new[] { 1, 2, 3, 4 })]
    public void Arrays_concatenate(string text, int[] expected)
    {
        Assert.Equal(expected, Parse(text).GetIntList("a"));
    }

    [Fact]
    public void Objects_concatenate_by_merging_with_later_winning()
    {
        var config = Parse("a = { x : 1 } { y : 2 }\nb = { x : 1 } { x : 2 }\nc { p = 1 } { q = 2 }");
        Assert.Equal(1, config.GetInt("a.x"));
        Assert.Equal(2, config.GetInt("a.y"));
        Assert.Equal(2, config.GetInt("b.x"));
        Assert.Equal(2, config.GetInt("c.q"));
    }

    [Theory]
    [InlineData("a = [1] foo")]
    [InlineData("a = { x = 1 } foo")]
    [InlineData("a = [1] { x = 1 }")]
    [InlineData("b = [1]\na = ${b} foo")]
    [InlineData("b = { x = 1 }\na = ${b} [1]")]
    public void Mixing_kinds_is_an_error(string text)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text).GetConfig("a"));
        Assert.Contains("cannot concatenate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substitutions_concatenate_with_strings()
    {
        var config = Parse("foo = hello\na = ${foo} bar\nb = ${foo}\" world\"\nc = x${foo}y\nd = ${foo} ${foo}");
        Assert.Equal("hello bar", config.GetString("a"));
        Assert.Equal("hello world", config.GetString("b"));
        Assert.Equal("xhelloy", config.GetString("c"));
        Assert.Equal("hello hello", config.GetString("d"));
    }

    [Fact]
    public void Substituted_numbers_and_booleans_concatenate_as_written()
    {
        var config = Parse("n = 1.50\nt = true\na = ${n}${t}");
        Assert.Equal("1.50true", config.GetString("a"));
    }

    [Fact]
    public void Substituted_null_concatenates_as_empty_string()
    {
        var config = Parse("n = null\na = x${n}y");
        Assert.Equal("xy", config.GetString("a"));
    }

    [Fact]
    public void Substitution_arrays_and_objects_concatenate()
    {
        var config = Parse("base = [1, 2]\nlist = ${base} [3]\nobj = { a = 1 }\nmerged = ${obj} { b = 2 }\nboth = ${base} ${base}");
        Assert.Equal([1, 2, 3], config.GetIntList("list"));
        Assert.Equal(1, config.GetInt("merged.a"));
        Assert.Equal(2, config.GetInt("merged.b"));
        Assert.Equal([1, 2, 1, 2], config.GetIntList("both"));
    }

    [Fact]
    public void Concatenation_inside_arrays()
    {
        var config = Parse("x = mid\na = [foo bar, \"a\" ${x} b, 3]");
        Assert.Equal(["foo bar", "a mid b", "3"], config.GetStringList("a"));
    }
}
