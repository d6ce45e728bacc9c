using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorStream.TestKit.Logging;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorStream.Node.Tests;

public sealed class NodeProgramTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorstream-node-").FullName;

    private string WriteConfig(string text)
    {
        var path = Path.Combine(_dir, $"node-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    // Every node in these tests binds 127.0.0.1 port 0 (Kafka and admin API) and keeps its data in the test's directory.
    private string NodeConfig(string extra = "") => WriteConfig($$"""
        actorstream.node.data-dir = "{{Path.Combine(_dir, "data").Replace("\\", "/", StringComparison.Ordinal)}}"
        actorstream.kafka.listener { host = "127.0.0.1", port = 0 }
        actorstream.node.admin { host = "127.0.0.1", port = 0 }
        {{extra}}
        """);

    [Fact]
    public async Task The_node_serves_kafka_keeps_topics_across_a_restart_and_stops_cleanly()
    {
        for (int run = 0; run < 2; run++)
        {
            var logs = new TestLoggerFactory(output);
            using var stop = new CancellationTokenSource();
            var node = NodeProgram.RunAsync(["--config", NodeConfig()], logs, stop.Token);
            await logs.WaitForAsync(e => e.Message.Contains("is running", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var listening = Assert.Single(logs.Entries, e => e.Message.StartsWith("Kafka listener on ", StringComparison.Ordinal));
            Assert.Contains("127.0.0.1:", listening.Message, StringComparison.Ordinal);
            if (run == 0)
            {
                Assert.Contains(logs.Entries, e => e.Message.Contains("0 topic(s)", StringComparison.Ordinal));
            }

            await stop.CancelAsync();
            Assert.Equal(NodeProgram.ExitOk, await node.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(logs.Entries, e => e.Message.Contains("partition log(s) flushed and closed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_invalid_value_stops_the_node_naming_the_key_the_file_and_the_expected_form()
    {
        var logs = new TestLoggerFactory(output);
        var config = WriteConfig("actorstream.kafka.request-timeout = often\n");
        var exit = await NodeProgram.RunAsync(["--config", config], logs);
        Assert.Equal(NodeProgram.ExitBadConfig, exit);
        var error = Assert.Single(logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("actorstream.kafka.request-timeout", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(config) + ":1", error.Message, StringComparison.Ordinal);
        Assert.Contains("duration", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actorstream.kafka.listener.port = 70000", "actorstream.kafka.listener.port", "port number between 0 and 65535")]
    [InlineData("actorstream.kafka.listener.host = \"my-laptop\"", "actorstream.kafka.listener.host", "IP address")]
    [InlineData("actorstream.broker.log-cleanup-policy = \"archive\"", "actorstream.broker.log-cleanup-policy", "compact")]
    [InlineData("actorstream.broker.num-partitions = 0", "actorstream.broker.num-partitions", "at least 1")]
    [InlineData("actorstream.node.admin.host = \"localhost\"", "actorstream.node.admin.host", "IP address")]
    [InlineData("actorstream.node.admin.port = -1", "actorstream.node.admin.port", "port number between 0 and 65535")]
    [InlineData("actorstream.node.admin.enabled = maybe", "actorstream.node.admin.enabled", "boolean")]
    public async Task A_bad_broker_or_listener_setting_stops_the_node_naming_the_key_and_the_expected_form(string setting, string key, string expected)
    {
        var logs = new TestLoggerFactory(output);
        var exit = await NodeProgram.RunAsync(["--config", NodeConfig(setting)], logs);
        Assert.Equal(NodeProgram.ExitBadConfig, exit);
        var error = Assert.Single(logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_stops_the_node_naming_the_file_and_line()
    {
        var logs = new TestLoggerFactory(output);
        var config = WriteConfig("actorstream {\n  node.name = \"x\"\n  oops = [1,,2]\n}\n");
        var exit = await NodeProgram.RunAsync(["--config", config], logs);
        Assert.Equal(NodeProgram.ExitBadConfig, exit);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains(Path.GetFileName(config) + ":3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_arguments_and_missing_files_are_refused()
    {
        var logs = new TestLoggerFactory(output);
        Assert.Equal(NodeProgram.ExitBadConfig, await NodeProgram.RunAsync(["--frobnicate"], logs));
        Assert.Equal(NodeProgram.ExitBadConfig, await NodeProgram.RunAsync(["--config", Path.Combine(_dir, "missing.conf")], logs));
        Assert.Contains(logs.Entries, e => e.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_request_runs_coordinated_shutdown_and_the_node_returns()
    {
        var logs = new TestLoggerFactory(output);
        var config = NodeConfig();
        using var stop = new CancellationTokenSource();
        var run = NodeProgram.RunAsync(["--config", config], logs, stop.Token);
        await logs.WaitForAsync(e => e.Message.Contains("is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await stop.CancelAsync();
        Assert.Equal(NodeProgram.ExitOk, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(logs.Entries, e => e.Message.Contains("Coordinated shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admin_api_answers_health_cluster_and_names_what_it_does_not_know()
    {
        var logs = new TestLoggerFactory(output);
        using var stop = new CancellationTokenSource();
        var node = NodeProgram.RunAsync(["--config", NodeConfig()], logs, stop.Token);
        await logs.WaitForAsync(e => e.Message.Contains("is running", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var kafka = Assert.Single(logs.Entries, e => e.Message.StartsWith("Kafka listener on ", StringComparison.Ordinal)).Message;
        int kafkaPort = int.Parse(Regex.Match(kafka, @"127\.0\.0\.1:(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var admin = Assert.Single(logs.Entries, e => e.Message.StartsWith("Admin API on ", StringComparison.Ordinal)).Message;
        using var http = new HttpClient { BaseAddress = new Uri(Regex.Match(admin, @"http://127\.0\.0\.1:\d+").Value) };

        Assert.Equal("ok", (await GetJson(http, "/health"))["status"]!.GetValue<string>());
        var cluster = await GetJson(http, "/api/cluster");
        Assert.Equal(1, cluster["nodeId"]!.GetValue<int>());
        Assert.Equal(1, cluster["controllerId"]!.GetValue<int>());
        var broker = Assert.Single(cluster["brokers"]!.AsArray())!;
        Assert.Equal(kafkaPort, broker["port"]!.GetValue<int>()); // as clients reach it, not a placeholder
        Assert.Empty((await GetJson(http, "/api/topics")).AsArray());
        Assert.Empty((await GetJson(http, "/api/groups")).AsArray());
        foreach (var path in new[] { "/api/topics/nothing", "/api/groups/nobody", "/api/groups/nobody/lag" })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("does not exist", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await stop.CancelAsync();
        Assert.Equal(NodeProgram.ExitOk, await node.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(logs.Entries, e => e.Message == "Admin API closed");
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("/health", UriKind.Relative)));
    }

    [Fact]
    public async Task The_admin_api_can_be_turned_off()
    {
        var logs = new TestLoggerFactory(output);
        using var stop = new CancellationTokenSource();
        var node = NodeProgram.RunAsync(["--config", NodeConfig("actorstream.node.admin.enabled = off")], logs, stop.Token);
        await logs.WaitForAsync(e => e.Message.Contains("is running", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("Admin API", StringComparison.Ordinal));
        await stop.CancelAsync();
        Assert.Equal(NodeProgram.ExitOk, await node.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private async Task<JsonNode> GetJson(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"GET {path}: {(int)response.StatusCode} {body}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(body)!;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
