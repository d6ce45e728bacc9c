using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

/// <summary>Examples taken from the prose of the HOCON spec, written as our own checks.</summary>
public sealed class SpecExamplesTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Include_fix_up_sees_redefinition_in_including_file()
    {
        dir.Write("foo.conf", "{ x : 10, y : ${x} }");
        var config = Parse("{\n    a : { include \"foo.conf\" }\n    a : { x : 42 }\n}", baseDirectory: dir.Path);
        Assert.Equal(42, config.GetInt("a.y"));
    }

    [Fact]
    public void Include_word_is_special_only_at_key_start()
    {
        var config = Parse("foo : include\nlist = [ include ]\n\"include\" : 42");
        Assert.Equal("include", config.GetString("foo"));
        Assert.Equal(["include"], config.GetStringList("list"));
        Assert.Equal(42, config.GetInt("include"));
    }

    [Fact]
    public void Object_after_non_object_ignores_later_fallbacks()
    {
        var app = Parse("a = 5\na { x = 1 }");
        var merged = app.WithFallback(Parse("a { y = 2 }"));
        Assert.Equal(1, merged.GetInt("a.x"));
        Assert.False(merged.HasPath("a.y"));
    }

    [Fact]
    public void Key_favorite_animal_examples()
    {
        var config = Parse("animal.favorite = cat\nkey : ${animal.favorite} is my favorite animal\nkey2 : ${animal.favorite}\" is my favorite animal\"");
        Assert.Equal("cat is my favorite animal", config.GetString("key"));
        Assert.Equal("cat is my favorite animal", config.GetString("key2"));
    }

    [Fact]
    public void Value_concatenation_equals_quoted_string()
    {
        Assert.Equal(Parse("a = \"foo bar\"").GetString("a"), Parse("a = foo bar").GetString("a"));
        Assert.Equal(7, Parse("a = foo bar").GetString("a").Length);
    }

    [Fact]
    public void Plus_equals_is_sugar_for_optional_self_reference()
    {
        var sugar = Parse("a = [x]\na += y").GetStringList("a");
        var spelled = Parse("a = [x]\na = ${?a} [y]").GetStringList("a");
        Assert.Equal(spelled, sugar);
    }

    [Fact]
    public void Wrong_type_in_included_file_names_that_file_and_line()
    {
        dir.Write("inc.conf", "\n\nport = not-a-number");
        var main = dir.Write("main.conf", "server { include \"inc.conf\" }");
        var error = Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(main, Options()).GetInt("server.port"));
        Assert.EndsWith("inc.conf:3", error.Origin, StringComparison.Ordinal);
        Assert.StartsWith("server.port at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_overflow_is_a_type_error()
    {
        Assert.Throws<ConfigException>(() => Parse("a = 9223372036854775808").GetLong("a"));
    }

    [Fact]
    public void Substitution_in_array_element_and_nested_object()
    {
        var config = Parse("host = h\nservers = [{ addr = ${host}\":1\" }, { addr = ${host}\":2\" }]");
        Assert.Equal(["h:1", "h:2"], config.GetConfigList("servers").Select(c => c.GetString("addr")));
    }
}
