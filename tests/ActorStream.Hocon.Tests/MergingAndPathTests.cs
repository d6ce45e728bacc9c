using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public class MergingAndPathTests
{
    [Fact]
    public void Duplicate_objects_merge()
    {
        var config = Parse("""{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }""");
        Assert.Equal(42, config.GetInt("foo.a"));
        Assert.Equal(43, config.GetInt("foo.b"));
    }

    [Fact]
    public void Null_between_objects_prevents_the_merge()
    {
        var config = Parse("""{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }""");
        Assert.False(config.HasPath("foo.a"));
        Assert.Equal(43, config.GetInt("foo.b"));
    }

    [Fact]
    public void Later_non_object_replaces_object_and_later_object_replaces_non_object()
    {
        Assert.Equal(5, Parse("a { x = 1 }\na = 5").GetInt("a"));
        var config = Parse("a = 5\na { x = 1 }");
        Assert.Equal(1, config.GetInt("a.x"));
    }

    [Fact]
    public void Later_scalar_wins()
    {
        Assert.Equal("two", Parse("a = one\na = two").GetString("a"));
        Assert.Equal([3], Parse("a = [1, 2]\na = [3]").GetIntList("a"));
    }

    [Fact]
    public void Deep_merge_keeps_unrelated_nested_keys()
    {
        var config = Parse("a { b { c = 1, d = 2 } }\na { b { d = 3, e = 4 } }");
        Assert.Equal(1, config.GetInt("a.b.c"));
        Assert.Equal(3, config.GetInt("a.b.d"));
        Assert.Equal(4, config.GetInt("a.b.e"));
    }

    [Theory]
    [InlineData("foo.bar : 42")]
    [InlineData("foo { bar : 42 }")]
    [InlineData("foo { bar = 42 }")]
    [InlineData("\"foo\".\"bar\" = 42")]
    [InlineData("foo.\"bar\" = 42")]
    public void Path_keys_expand_to_nested_objects(string text)
    {
        Assert.Equal(42, Parse(text).GetInt("foo.bar"));
    }

    [Fact]
    public void Path_keys_merge_like_objects()
    {
        var config = Parse("a.x : 42, a.y : 43\nfoo.bar.baz : 1\nfoo { bar { qux : 2 } }");
        Assert.Equal(42, config.GetInt("a.x"));
        Assert.Equal(43, config.GetInt("a.y"));
        Assert.Equal(1, config.GetInt("foo.bar.baz"));
        Assert.Equal(2, config.GetInt("foo.bar.qux"));
    }

    [Fact]
    public void Quoted_dots_are_part_of_the_key()
    {
        var config = Parse("\"a.b\".c = 1\nfoo.bar.\"hello.world\" = 2");
        Assert.Equal(1, config.GetInt("\"a.b\".c"));
        Assert.False(config.HasPath("a.b.c"));
        Assert.Equal(2, config.GetInt("foo.bar.\"hello.world\""));
        Assert.Equal(["a.b", "foo"], config.Keys);
    }

    [Fact]
    public void Numbers_in_keys_split_on_their_dots()
    {
        var config = Parse("10.0foo = 1\nfoo10.0 = 2\nfoo\"10.0\" = 3");
        Assert.Equal(1, config.GetInt("\"10\".\"0foo\""));
        Assert.Equal(2, config.GetInt("foo10.\"0\""));
        Assert.Equal(3, config.GetInt("\"foo10.0\""));
    }

    [Fact]
    public void Keys_are_always_strings_and_keep_inner_whitespace()
    {
        var config = Parse("true : 42\n3.14 : 1\na b c : 7\nfoo include : 8\n\"include\" : 9");
        Assert.Equal(42, config.GetInt("\"true\""));
        Assert.Equal(1, config.GetInt("\"3\".\"14\""));
        Assert.Equal(7, config.GetInt("\"a b c\""));
        Assert.Equal(8, config.GetInt("\"foo include\""));
        Assert.Equal(9, config.GetInt("include"));
    }

    [Fact]
    public void Empty_key_element_must_be_quoted()
    {
        var config = Parse("a.\"\".b = 1");
        Assert.Equal(1, config.GetInt("a.\"\".b"));
    }

    [Fact]
    public void Plus_equals_appends_to_an_array()
    {
        var config = Parse("a = [1]\na += 2\na += 3");
        Assert.Equal([1, 2, 3], config.GetIntList("a"));
    }

    [Fact]
    public void Plus_equals_on_a_missing_key_starts_a_new_array()
    {
        Assert.Equal([1], Parse("a += 1").GetIntList("a"));
    }

    [Fact]
    public void Plus_equals_works_in_nested_objects_and_path_keys()
    {
        var config = Parse("x { list = [a] }\nx { list += b }\nx.list += c");
        Assert.Equal(["a", "b", "c"], config.GetStringList("x.list"));
    }

    [Fact]
    public void Plus_equals_appends_an_array_as_one_element()
    {
        var config = Parse("a = [[1]]\na += [2]");
        Assert.Contains("a : [[1], [2]]", config.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithFallback_lets_this_config_win_and_merges_objects_deeply()
    {
        var app = Parse("a { x = 1 }\nb = app");
        var reference = Parse("a { x = 0, y = 2 }\nb = ref\nc = ref-only");
        var merged = app.WithFallback(reference);
        Assert.Equal(1, merged.GetInt("a.x"));
        Assert.Equal(2, merged.GetInt("a.y"));
        Assert.Equal("app", merged.GetString("b"));
        Assert.Equal("ref-only", merged.GetString("c"));
        Assert.Equal(["a", "b", "c"], merged.Keys.Order());
    }

    [Fact]
    public void WithFallback_chain_follows_the_spec_adjacency_rule()
    {
        var first = Parse("a : { x : 1 }");
        var number = Parse("a : 42");
        var other = Parse("a : { y : 2 }");

        var hidden = first.WithFallback(number).WithFallback(other);
        Assert.Equal(1, hidden.GetInt("a.x"));
        Assert.False(hidden.HasPath("a.y"));

        var adjacent = first.WithFallback(other).WithFallback(number);
        Assert.Equal(1, adjacent.GetInt("a.x"));
        Assert.Equal(2, adjacent.GetInt("a.y"));
    }

    [Fact]
    public void WithFallback_does_not_change_either_input()
    {
        var app = Parse("a { x = 1 }");
        var reference = Parse("a { y = 2 }");
        _ = app.WithFallback(reference).GetInt("a.y");
        Assert.False(app.HasPath("a.y"));
        Assert.False(reference.HasPath("a.x"));
    }

    [Fact]
    public void Null_in_app_config_clears_a_reference_object()
    {
        var merged = Parse("a = null").WithFallback(Parse("a { x = 1 }"));
        Assert.False(merged.HasPath("a"));
        Assert.False(merged.HasPath("a.x"));
    }

    [Fact]
    public void Empty_config_is_neutral_for_fallbacks()
    {
        var config = Parse("a = 1");
        Assert.Equal(1, ConfigFactory.Empty.WithFallback(config).GetInt("a"));
        Assert.Equal(1, config.WithFallback(ConfigFactory.Empty).GetInt("a"));
        Assert.True(ConfigFactory.Empty.IsEmpty);
        Assert.Empty(ConfigFactory.Empty.Keys);
    }
}
