namespace ActorStream.Compat.Tests.Harness;

/// <summary>A unique directory under the temp path, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "actorstream-compat")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>
/// One node shared by the tests of a class (xunit class fixture); the tests stay independent by using fresh
/// topic names. Starting it is asynchronous (<see cref="IAsyncLifetime"/>); if it never gets ready every test
/// of the class fails with the node's start error and its last output lines.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private NodeProcess? _node;

    public NodeProcess Node => _node ?? throw new InvalidOperationException("the node fixture was not initialized");

    public async Task InitializeAsync() => _node = await NodeProcess.StartAsync(_directory.Path, _directory.DataDirectory);

    public async Task DisposeAsync()
    {
        try
        {
            if (_node is { HasExited: false })
                await _node.StopAsync(); // a clean SIGTERM shutdown (exit code 0) is part of the contract too
        }
        finally
        {
            if (_node is not null)
                await _node.DisposeAsync();
            _directory.Dispose();
        }
    }
}

/// <summary>
/// Base of the tests sharing a <see cref="NodeFixture"/>: unique topic names, and the node's output during the
/// test written to the test output (shown with failures).
/// </summary>
public abstract class CompatTest : IDisposable
{
    private readonly long _logMark;

    protected CompatTest(NodeFixture fixture, ITestOutputHelper output)
    {
        Node = fixture.Node;
        Output = output;
        Clients = new Clients(output);
        _logMark = Node.LogMark;
        Output.WriteLine($"node: {Node}; bootstrap {Node.BootstrapServers}");
    }

    protected NodeProcess Node { get; }

    protected ITestOutputHelper Output { get; }

    protected Clients Clients { get; }

    protected string Bootstrap => Node.BootstrapServers;

    /// <summary>A topic name no other test uses (legal in Kafka: letters, digits, '.', '_', '-').</summary>
    protected static string NewTopicName(string purpose) => $"compat-{purpose}-{Guid.NewGuid():N}";

    public void Dispose()
    {
        Output.WriteLine("--- node output during this test ---");
        foreach (var line in Node.LinesSince(_logMark))
            Output.WriteLine(line);
        GC.SuppressFinalize(this);
    }
}
