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

    [Fact]
    public async Task The_demo_counts_every_message_through_worker_restarts_and_the_node_exits_cleanly()
    {
        var logs = new TestLoggerFactory(output);
        var config = WriteConfig("""
            actorstream.node.demo { workers = 3, messages = 30000, fail-every = 7000 }
            """);
        var exit = await NodeProgram.RunAsync(["--config", config, "--exit-after-demo"], logs);
        Assert.Equal(NodeProgram.ExitOk, exit);
        Assert.Contains(logs.Entries, e => e.Message.Contains("30,000 of 30,000 messages counted", StringComparison.Ordinal));
        Assert.Equal(4, logs.Entries.Count(e => e.Message.Contains("crashed on purpose", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_invalid_value_stops_the_node_naming_the_key_the_file_and_the_expected_form()
    {
        var logs = new TestLoggerFactory(output);
        var config = WriteConfig("actorstream.node.demo.report-interval = often\n");
        var exit = await NodeProgram.RunAsync(["--config", config, "--exit-after-demo"], logs);
        Assert.Equal(NodeProgram.ExitBadConfig, exit);
        var error = Assert.Single(logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("actorstream.node.demo.report-interval", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(config) + ":1", error.Message, StringComparison.Ordinal);
        Assert.Contains("duration", error.Message, StringComparison.Ordinal);
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
        var config = WriteConfig("actorstream.node.demo { messages = 1000, fail-every = 0 }\n");
        using var stop = new CancellationTokenSource();
        var run = NodeProgram.RunAsync(["--config", config], logs, stop.Token);
        await logs.WaitForAsync(e => e.Message.Contains("is running", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await stop.CancelAsync();
        Assert.Equal(NodeProgram.ExitOk, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(logs.Entries, e => e.Message.Contains("Coordinated shutdown", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
