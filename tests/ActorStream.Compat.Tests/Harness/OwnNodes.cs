namespace ActorStream.Compat.Tests.Harness;

/// <summary>
/// The nodes of a test class that needs its own (it restarts them, or configures them unlike the shared
/// <see cref="NodeFixture"/>): all on one data directory, each start logged; disposing writes every node's last
/// output to the test output, kills whatever still runs and removes the directory.
/// </summary>
public sealed class OwnNodes(ITestOutputHelper output, string prefix) : IAsyncDisposable
{
    private readonly TempDirectory _directory = new(prefix);
    private readonly List<NodeProcess> _nodes = [];

    /// <summary>Starts a node on the shared data directory (<paramref name="port"/> 0: any free port).</summary>
    public async Task<NodeProcess> StartAsync(int port = 0, string? extraConfig = null)
    {
        var node = await NodeProcess.StartAsync(_directory.Path, _directory.DataDirectory, port, extraConfig: extraConfig);
        _nodes.Add(node);
        output.WriteLine($"started {node}: {node.BootstrapServers}");
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            output.WriteLine($"--- last output of {node} ---\n{node.Tail()}");
            await node.DisposeAsync();
        }

        _directory.Dispose();
    }
}
