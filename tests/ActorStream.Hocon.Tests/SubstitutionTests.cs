using static ActorStream.Hocon.Tests.TestSupport;

namespace ActorStream.Hocon.Tests;

public class SubstitutionTests
{
    [Fact]
    public void Substitution_keeps_the_type_of_a_single_value()
    {
        var config = Parse("a { b = 42, c = true, d = [1, 2], e { f = x } }\nn = ${a.b}\nt = ${a.c}\nl = ${a.d}\no = ${a.e}");
        Assert.Equal(42, config.GetInt("n"));
        Assert.True(config.GetBoolean("t"));
        Assert.Equal([1, 2], config.GetIntList("l"));
        Assert.Equal("x", config.GetString("o.f"));
    }

    [Fact]
    public void Substitutions_look_forward_and_use_the_last_assigned_value()
    {
        var config = Parse("a = ${b}\nb = 1\nb = 2");
        Assert.Equal(2, config.GetInt("a"));
    }

    [Fact]
    public void Substitution_sees_the_merged_object()
    {
        var config = Parse("x { a = 1 }\ny = ${x}\nx { b = 2 }");
        Assert.Equal(1, config.GetInt("y.a"));
        Assert.Equal(2, config.GetInt("y.b"));
    }

    [Fact]
    public void Chained_substitutions()
    {
        var config = Parse("a = ${b}\nb = ${c}\nc = end");
        Assert.Equal("end", config.GetString("a"));
    }

    [Fact]
    public void Object_may_refer_to_paths_within_itself()
    {
        var config = Parse("bar : { foo : 42,\n        baz : ${bar.foo}\n      }");
        Assert.Equal(42, config.GetInt("bar.baz"));
        var overridden = Parse("bar : { foo : 42, baz : ${bar.foo} }\nbar : { foo : 43 }");
        Assert.Equal(43, overridden.GetInt("bar.baz"));
    }

    [Fact]
    public void Quoted_path_elements_in_substitutions()
    {
        var config = Parse("\"a.b\" { c = 1 }\nx = ${\"a.b\".c}\ny = ${ \"a.b\".c }");
        Assert.Equal(1, config.GetInt("x"));
        Assert.Equal(1, config.GetInt("y"));
    }

    [Fact]
    public void Self_reference_concatenates_onto_previous_value()
    {
        var config = Parse("path = \"/bin\"\npath = ${path}\":/usr/bin\"\npath = ${path}\":/x\"");
        Assert.Equal("/bin:/usr/bin:/x", config.GetString("path"));
    }

    [Fact]
    public void Self_reference_with_optional_array_append()
    {
        var config = Parse("a = [1]\na = ${?a} [extra]");
        Assert.Equal(["1", "extra"], config.GetStringList("a"));
        Assert.Equal(["extra"], Parse("a = ${?a} [extra]").GetStringList("a"));
    }

    [Fact]
    public void Self_reference_merges_objects()
    {
        var config = Parse("foo : { a : 1 }\nfoo : ${foo} { b : 2 }");
        Assert.Equal(1, config.GetInt("foo.a"));
        Assert.Equal(2, config.GetInt("foo.b"));
    }

    [Fact]
    public void Self_reference_alone_keeps_the_previous_value()
    {
        var config = Parse("foo : { a : 1 }\nfoo : ${foo}\nbar = 5\nbar = ${bar}");
        Assert.Equal(1, config.GetInt("foo.a"));
        Assert.Equal(5, config.GetInt("bar"));
    }

    [Fact]
    public void Self_reference_inside_nested_object_field()
    {
        var config = Parse("x { p = a }\nx { p = ${x.p}b }");
        Assert.Equal("ab", config.GetString("x.p"));
    }

    [Fact]
    public void Self_reference_without_previous_value_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = ${a}").GetString("a"));
        Assert.Contains("${a}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_self_reference_without_previous_value_removes_field()
    {
        Assert.False(Parse("a = ${?a}").HasPath("a"));
    }

    [Fact]
    public void Substitution_then_object_merges_like_akka_dispatcher_configs()
    {
        var config = Parse("""
            default-dispatcher { throughput = 5, type = Dispatcher }
            my-dispatcher = ${default-dispatcher}
            my-dispatcher { throughput = 100 }
            """);
        Assert.Equal(100, config.GetInt("my-dispatcher.throughput"));
        Assert.Equal("Dispatcher", config.GetString("my-dispatcher.type"));
        Assert.Equal(5, config.GetInt("default-dispatcher.throughput"));
    }

    [Fact]
    public void Object_merged_over_substitution_can_refer_into_itself()
    {
        var config = Parse("b { x = 1 }\na = ${b}\na { y = ${a.x} }");
        Assert.Equal(1, config.GetInt("a.y"));
    }

    [Fact]
    public void Previous_value_is_kept_when_optional_substitution_is_missing()
    {
        var config = Parse("a = 1\na = ${?nothing}");
        Assert.Equal(1, config.GetInt("a"));
    }

    [Theory]
    [InlineData("a = ${b}\nb = ${a}", "a -> b -> a")]
    [InlineData("a = ${b}\nb = ${c}\nc = ${a}", "a -> b -> c -> a")]
    [InlineData("foo { bar = ${foo} }", "foo")]
    [InlineData("a = x${a.b}", "a")]
    public void Cycles_are_errors_naming_the_path(string text, string expectedInMessage)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text).Resolve());
        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Path);
    }

    [Fact]
    public void Missing_required_substitution_names_path_and_origin()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = 1\nb {\n  c = ${nope.x}\n}", originName: "app.conf").GetString("a"));
        Assert.Contains("${nope.x}", error.Message, StringComparison.Ordinal);
        Assert.Contains("app.conf:3", error.Message, StringComparison.Ordinal);
        Assert.Equal("b.c", error.Path);
        Assert.Equal("app.conf:3", error.Origin);
    }

    [Fact]
    public void Missing_optional_substitution_removes_the_field()
    {
        var config = Parse("a = ${?missing}\nb = 1");
        Assert.False(config.HasPath("a"));
        Assert.DoesNotContain("a", config.Keys);
        Assert.Equal(["b"], config.Keys);
    }

    [Fact]
    public void Missing_optional_substitution_in_concatenation_is_empty()
    {
        var config = Parse("a = foo${?missing}bar\nb = [1] ${?missing} [2]\nc = ${?missing}${?missing}");
        Assert.Equal("foobar", config.GetString("a"));
        Assert.Equal([1, 2], config.GetIntList("b"));
        Assert.False(config.HasPath("c"));
    }

    [Fact]
    public void Missing_optional_substitution_in_array_drops_the_element()
    {
        Assert.Equal(["x"], Parse("a = [${?missing}, x]").GetStringList("a"));
    }

    [Fact]
    public void Null_value_is_found_and_does_not_fall_back_to_environment()
    {
        var env = new Dictionary<string, string> { ["HOME"] = "/home/env" };
        var config = Parse("HOME = null\na = ${HOME}", env);
        Assert.False(config.HasPath("a"));
    }

    [Fact]
    public void Environment_fallback_for_optional_and_required_substitutions()
    {
        var env = new Dictionary<string, string> { ["HOME"] = "/home/test", ["PORT"] = "9092" };
        var config = Parse("home = ${HOME}\nport = ${?PORT}\ndir = ${HOME}/data\nnone = ${?NOT_SET}", env);
        Assert.Equal("/home/test", config.GetString("home"));
        Assert.Equal(9092, config.GetInt("port"));
        Assert.Equal("/home/test/data", config.GetString("dir"));
        Assert.False(config.HasPath("none"));
    }

    [Fact]
    public void Config_value_wins_over_environment()
    {
        var env = new Dictionary<string, string> { ["PORT"] = "1" };
        Assert.Equal(2, Parse("PORT = 2\np = ${PORT}", env).GetInt("p"));
    }

    [Fact]
    public void Optional_environment_override_pattern()
    {
        const string text = "port = 9092\nport = ${?BROKER_PORT}";
        Assert.Equal(9092, Parse(text).GetInt("port"));
        Assert.Equal(19092, Parse(text, new Dictionary<string, string> { ["BROKER_PORT"] = "19092" }).GetInt("port"));
    }

    [Fact]
    public void Empty_environment_variable_counts_as_unset()
    {
        var env = new Dictionary<string, string> { ["EMPTY"] = "" };
        Assert.False(Parse("a = ${?EMPTY}", env).HasPath("a"));
        Assert.Throws<ConfigException>(() => Parse("a = ${EMPTY}", env).Resolve());
    }

    [Fact]
    public void Dotted_environment_names_are_looked_up_whole()
    {
        var env = new Dictionary<string, string> { ["user.home"] = "/u" };
        Assert.Equal("/u", Parse("a = ${user.home}", env).GetString("a"));
    }

    [Fact]
    public void Default_environment_is_the_process_environment()
    {
        Assert.Same(ConfigParseOptions.Default.Environment, ConfigParseOptions.Default.Environment);
        var name = "HOCON_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-process");
        try
        {
            Assert.Equal("from-process", ConfigFactory.ParseString($"a = ${{{name}}}").GetString("a"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Substitution_can_use_a_key_only_the_fallback_defines()
    {
        var app = Parse("app { timeout = ${defaults.timeout}, name = ${?defaults.name} }");
        var reference = Parse("defaults { timeout = 5s }");
        var merged = app.WithFallback(reference);
        Assert.Equal(TimeSpan.FromSeconds(5), merged.GetDuration("app.timeout"));
        Assert.False(merged.HasPath("app.name"));
        Assert.Throws<ConfigException>(() => app.GetDuration("app.timeout"));
    }

    [Fact]
    public void Fallback_substitutions_see_overrides_from_the_app_config()
    {
        var app = Parse("base-dir = /srv");
        var reference = Parse("base-dir = /tmp\nlog-dir = ${base-dir}/logs");
        Assert.Equal("/srv/logs", app.WithFallback(reference).GetString("log-dir"));
        Assert.Equal("/tmp/logs", reference.GetString("log-dir"));
    }

    [Fact]
    public void App_config_can_extend_a_reference_list_with_self_reference()
    {
        var app = Parse("plugins = ${plugins} [extra]");
        var reference = Parse("plugins = [core]");
        Assert.Equal(["core", "extra"], app.WithFallback(reference).GetStringList("plugins"));
    }

    [Fact]
    public void Resolution_is_lazy_and_cached()
    {
        var calls = 0;
        var options = new ConfigParseOptions { Environment = _ => { calls++; return "v"; } };
        var config = ConfigFactory.ParseString("a = ${X}\nb = ${X}", options: options);
        Assert.Equal(0, calls);
        Assert.Equal("v", config.GetString("a"));
        Assert.Equal("v", config.GetString("b"));
        Assert.Equal(2, calls);
        _ = config.Render();
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Unresolvable_substitution_error_is_raised_on_read_not_on_parse()
    {
        var config = Parse("a = ${missing}");
        Assert.Throws<ConfigException>(() => config.GetString("a"));
        Assert.Throws<ConfigException>(() => config.HasPath("a"));
    }

    [Fact]
    public void GetConfig_subtree_resolved_against_whole_root()
    {
        var config = Parse("shared = 7\nsub { x = ${shared} }");
        var sub = config.GetConfig("sub");
        Assert.Equal(7, sub.GetInt("x"));
    }
}
