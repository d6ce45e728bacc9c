using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorStream.Compat.Tests.Harness;

/// <summary>
/// One real ActorStream node: <c>dotnet ActorStream.Node.dll --config &lt;file&gt;</c> with a HOCON file written
/// here (data dir, Kafka listener on 127.0.0.1 and port 0 = any free port unless a restart asks for the old one).
/// Ready once it prints <c>ready: kafka=HOST:PORT</c>; stdout and stderr are read asynchronously and the last
/// <see cref="TailCapacity"/> lines are kept for failure messages. Stop is SIGTERM (asserting exit code 0);
/// <see cref="KillAsync"/> is SIGKILL for crash tests. Dispose kills whatever is still running.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    public const int TailCapacity = 200;
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _description;
    private readonly Queue<(long Seq, string Line)> _tail = new();
    private readonly Lock _tailLock = new();
    private readonly TaskCompletionSource<(string Host, int Port, Uri? Admin)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lineCount;
    private Uri? _admin;

    private NodeProcess(Process process, string description, string dataDirectory)
    {
        _process = process;
        _description = description;
        DataDirectory = dataDirectory;
    }

    /// <summary>Where the node keeps its data (partition logs under &lt;topic&gt;-&lt;partition&gt;).</summary>
    public string DataDirectory { get; }

    public string Host { get; private set; } = "";

    public int Port { get; private set; }

    public string BootstrapServers => $"{Host}:{Port}";

    /// <summary>The admin HTTP API's base address (from the ready line's <c>admin=</c>).</summary>
    public Uri AdminAddress => _admin ?? throw new InvalidOperationException($"{_description} announced no admin API");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The number of output lines so far: pass it to <see cref="LinesSince"/> later.</summary>
    public long LogMark => Interlocked.Read(ref _lineCount);

    /// <summary>
    /// Writes the config (<c>node-&lt;n&gt;.conf</c> in <paramref name="workDirectory"/>) and starts the node;
    /// returns once it printed its ready line, or throws with its last output lines.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(string workDirectory, string dataDirectory, int port = 0, TimeSpan? readyTimeout = null, string? extraConfig = null)
    {
        var dll = LocateNodeDll();
        Directory.CreateDirectory(workDirectory);
        var configPath = Path.Combine(workDirectory, $"node-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(configPath, Config(dataDirectory, port) + (extraConfig ?? ""));

        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(configPath);
        var description = $"node ({psi.FileName} {dll} --config {configPath}; data {dataDirectory}; port {port})";

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var node = new NodeProcess(process, description, dataDirectory);
        process.OutputDataReceived += (_, e) => node.OnLine("out", e.Data);
        process.ErrorDataReceived += (_, e) => node.OnLine("err", e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {description}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var timeout = readyTimeout ?? DefaultReadyTimeout;
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(node._ready.Task, exited, Task.Delay(timeout));
        if (first == node._ready.Task)
        {
            (node.Host, node.Port, node._admin) = await node._ready.Task;
            return node;
        }

        string why;
        if (first == exited)
        {
            process.WaitForExit();
            why = $"exited with code {process.ExitCode} before printing 'ready: kafka=HOST:PORT'";
        }
        else
        {
            why = $"did not print 'ready: kafka=HOST:PORT' within {timeout.TotalSeconds:0} s (the broker must announce its Kafka listener on stdout); killed it";
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.WaitForExit();
        }

        var message = $"{description} {why}. Last output:\n{node.Tail()}";
        process.Dispose();
        throw new NodeStartException(message);
    }

    /// <summary>SIGTERM, then waits for the exit and requires exit code 0 (a clean coordinated shutdown).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            throw new InvalidOperationException($"{_description} had already exited with code {_process.ExitCode}. Last output:\n{Tail()}");
        Signal(ProcessControl.SIGTERM);
        using var cts = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new NodeStopException($"{_description} did not exit within {StopTimeout.TotalSeconds:0} s of SIGTERM; killed it. Last output:\n{Tail()}");
        }

        _process.WaitForExit(); // drains the redirected output
        if (_process.ExitCode != 0)
            throw new NodeStopException($"{_description} exited with code {_process.ExitCode} after SIGTERM (expected 0). Last output:\n{Tail()}");
    }

    /// <summary>SIGKILL (what a crash looks like to the broker: no shutdown hook runs) and waits for the exit.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            Signal(ProcessControl.SIGKILL);
        await _process.WaitForExitAsync();
        _process.WaitForExit();
    }

    // A stopped node has exited already; whatever still runs is killed.
    public ValueTask DisposeAsync() => ProcessControl.KillAndDisposeAsync(_process);

    /// <summary>The last output lines (stdout and stderr interleaved as received), newest last.</summary>
    public string Tail()
    {
        lock (_tailLock)
        {
            var sb = new StringBuilder();
            foreach (var (_, line) in _tail)
                sb.Append("  | ").AppendLine(line);
            return sb.Length == 0 ? "  | (no output)\n" : sb.ToString();
        }
    }

    /// <summary>Output lines received after <paramref name="mark"/> that are still in the tail buffer.</summary>
    public IReadOnlyList<string> LinesSince(long mark)
    {
        lock (_tailLock)
        {
            var lines = _tail.Where(t => t.Seq >= mark).Select(t => t.Line).ToList();
            long dropped = _tail.Count == 0 ? 0 : Math.Max(0, _tail.Peek().Seq - mark);
            if (dropped > 0)
                lines.Insert(0, $"({dropped} earlier line(s) no longer kept)");
            return lines;
        }
    }

    public override string ToString() => $"{_description} pid {(_process.HasExited ? "exited" : _process.Id.ToString(CultureInfo.InvariantCulture))}";

    private void OnLine(string stream, string? line)
    {
        if (line is null)
            return;
        lock (_tailLock)
        {
            _tail.Enqueue((_lineCount, $"{stream}: {line}"));
            Interlocked.Increment(ref _lineCount);
            while (_tail.Count > TailCapacity)
                _tail.Dequeue();
        }

        if (ReadyLine().Match(line) is { Success: true } m)
            _ready.TrySetResult((m.Groups["host"].Value, int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture), m.Groups["admin"].Success ? new Uri(m.Groups["admin"].Value) : null));
    }

    private static string Config(string dataDirectory, int port) =>
        $$"""
        # Written by the ActorStream compatibility suite.
        actorstream.node.data-dir = {{Quote(dataDirectory)}}
        actorstream.kafka.listener { host = "127.0.0.1", port = {{port.ToString(CultureInfo.InvariantCulture)}} }
        actorstream.node.admin { host = "127.0.0.1", port = 0 }

        """;

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The node's dll: $ACTORSTREAM_NODE_DLL if set, else the path MSBuild recorded when it built the referenced
    /// ActorStream.Node project, else the conventional src/ActorStream.Node/bin/&lt;Configuration&gt;/net10.0 one.
    /// </summary>
    public static string LocateNodeDll()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ACTORSTREAM_NODE_DLL") is { Length: > 0 } fromEnv)
            candidates.Add(fromEnv);
        if (Metadata("ActorStreamNodeDll") is { Length: > 0 } recorded)
            candidates.Add(recorded);
        var here = AppContext.BaseDirectory; // tests/ActorStream.Compat.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(here).Parent!.Name;
        candidates.Add(Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "..", "src", "ActorStream.Node", "bin", configuration, "net10.0", "ActorStream.Node.dll")));
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
                return candidate;
        }

        throw new FileNotFoundException($"ActorStream.Node.dll not found (build the test project, which builds the node); looked at: {string.Join(", ", candidates)}");
    }

    internal static string? Metadata(string key) =>
        typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>The dotnet host running these tests (testhost runs under it), else "dotnet" from PATH.</summary>
    private static string DotnetHost()
    {
        var path = Environment.ProcessPath;
        return path is not null && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }

    private void Signal(int signal) => ProcessControl.Signal(_process, signal, _description);

    [GeneratedRegex(@"ready: kafka=(?<host>[^\s:]+):(?<port>\d+)(?: admin=(?<admin>http://\S+))?", RegexOptions.CultureInvariant)]
    private static partial Regex ReadyLine();
}

public sealed class NodeStartException(string message) : Exception(message);

public sealed class NodeStopException(string message) : Exception(message);
