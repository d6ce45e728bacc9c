using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ActorStream.Compat.Tests.Harness;

/// <summary>
/// Runs the real Kafka clients as child processes: the scripts in <c>clients/</c> (confluent-kafka-python and
/// kafka-python under /usr/bin/python3, KafkaJS under node) and kcat itself. A script prints one JSON result as
/// its last stdout line; any non-zero exit is a test failure carrying the script's stderr. A missing client is
/// a failure too (never a skip): CI installs them in <c>.ci/run</c>.
/// </summary>
public sealed class Clients(ITestOutputHelper output)
{
    /// <summary>The Debian python with python3-kafka and python3-confluent-kafka (a pyenv python3 on PATH has neither).</summary>
    public const string SystemPython = "/usr/bin/python3";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static readonly JsonSerializerOptions SpecJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The clients/ folder of this project in the source tree (where "npm ci" put node_modules).</summary>
    public static string Directory { get; } = LocateClients();

    public Task<JsonObject> Confluent(string command, string? bootstrap, object? spec = null, TimeSpan? timeout = null) =>
        Script(SystemPython, "confluent_client.py", command, bootstrap, spec, timeout);

    public Task<JsonObject> KafkaPython(string command, string? bootstrap, object? spec = null, TimeSpan? timeout = null) =>
        Script(SystemPython, "kafka_python_client.py", command, bootstrap, spec, timeout);

    public Task<JsonObject> KafkaJs(string command, string? bootstrap, object? spec = null, TimeSpan? timeout = null) =>
        Script("node", "kafkajs_client.js", command, bootstrap, spec, timeout);

    /// <summary>kcat with the given arguments (librdkafka settings via -X); stdout lines on success.</summary>
    public async Task<IReadOnlyList<string>> Kcat(IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var run = await Run("kcat", args, stdin, timeout ?? DefaultTimeout);
        return run.StdoutLines;
    }

    /// <summary>A long-running script (e.g. confluent produce-stream) whose stdout lines are handed over as they come.</summary>
    public ClientProcess StartConfluentStream(string command, string bootstrap, object spec, TimeSpan timeout, Action<string> onStdoutLine)
    {
        var args = ScriptArgs("confluent_client.py", command, bootstrap, spec, timeout);
        output.WriteLine($"$ {SystemPython} {string.Join(' ', args)}");
        return ClientProcess.Start(SystemPython, args, stdin: null, keepStdinOpen: true, onStdoutLine);
    }

    public async Task<JsonObject> Script(string interpreter, string script, string command, string? bootstrap, object? spec, TimeSpan? timeout)
    {
        var t = timeout ?? DefaultTimeout;
        var run = await Run(interpreter, ScriptArgs(script, command, bootstrap, spec, t), stdin: null, t);
        return run.Result();
    }

    private static List<string> ScriptArgs(string script, string command, string? bootstrap, object? spec, TimeSpan timeout)
    {
        var args = new List<string> { Path.Combine(Directory, script), command };
        if (bootstrap is not null)
            args.AddRange(["--bootstrap", bootstrap]);
        if (spec is not null)
            args.AddRange(["--spec", JsonSerializer.Serialize(spec, SpecJson)]);
        args.AddRange(["--timeout", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return args;
    }

    private async Task<ClientRun> Run(string fileName, IEnumerable<string> args, string? stdin, TimeSpan timeout)
    {
        var argList = args.ToList();
        output.WriteLine($"$ {fileName} {string.Join(' ', argList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))}");
        await using var process = ClientProcess.Start(fileName, argList, stdin, keepStdinOpen: false, onStdoutLine: null);
        // The scripts stop themselves at their own hard timeout; this one is the harness's backstop (kcat has no other).
        var run = await process.WaitAsync(timeout + TimeSpan.FromSeconds(15));
        Report(run);
        run.EnsureSuccess();
        return run;
    }

    public void Report(ClientRun run)
    {
        output.WriteLine($"  exit {run.ExitCode} after {run.Elapsed.TotalMilliseconds:0} ms");
        if (run.Stderr.Length > 0)
            output.WriteLine($"  stderr:\n{Indent(Truncate(run.Stderr, 8000))}");
        var stdout = string.Join('\n', run.StdoutLines);
        if (stdout.Length > 0)
            output.WriteLine($"  stdout:\n{Indent(Truncate(stdout, 4000))}");
    }

    private static string Indent(string s) => string.Join('\n', s.Split('\n').Select(l => "    " + l));

    internal static string Truncate(string s, int max) =>
        s.Length <= max ? s : $"... ({s.Length - max} chars before)\n" + s[^max..];

    private static string LocateClients()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ACTORSTREAM_COMPAT_CLIENTS") is { Length: > 0 } fromEnv)
            candidates.Add(fromEnv);
        if (NodeProcess.Metadata("CompatClientsDirectory") is { Length: > 0 } recorded)
            candidates.Add(recorded);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            candidates.Add(Path.Combine(dir.FullName, "clients"));
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "confluent_client.py")))
            ?? throw new DirectoryNotFoundException($"the compat clients folder was not found; looked at: {string.Join(", ", candidates.Take(3))}");
    }
}

/// <summary>The outcome of one client run.</summary>
public sealed record ClientRun(string Description, int ExitCode, IReadOnlyList<string> StdoutLines, string Stderr, TimeSpan Elapsed)
{
    public void EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            var why = ExitCode == 3 ? " (its hard timeout expired)" : "";
            throw new ClientFailedException($"{Description} exited with code {ExitCode}{why}.\nstderr:\n{Clients.Truncate(Stderr, 6000)}\nstdout (last lines):\n{string.Join('\n', StdoutLines.TakeLast(10))}");
        }
    }

    /// <summary>The last non-empty stdout line, parsed as the JSON result object.</summary>
    public JsonObject Result()
    {
        var last = StdoutLines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))
            ?? throw new ClientFailedException($"{Description} printed no JSON result. stderr:\n{Clients.Truncate(Stderr, 4000)}");
        try
        {
            return JsonNode.Parse(last) as JsonObject ?? throw new ClientFailedException($"{Description}: result is not a JSON object: {last}");
        }
        catch (JsonException e)
        {
            throw new ClientFailedException($"{Description}: last stdout line is not JSON ({e.Message}): {Clients.Truncate(last, 2000)}");
        }
    }
}

/// <summary>A client child process with asynchronously read output and an optional open stdin.</summary>
public sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Action<string>? _onStdoutLine;

    private ClientProcess(Process process, Action<string>? onStdoutLine)
    {
        _process = process;
        _onStdoutLine = onStdoutLine;
        Description = $"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList.Take(2))}";
    }

    public string Description { get; }

    public static ClientProcess Start(string fileName, IReadOnlyList<string> args, string? stdin, bool keepStdinOpen, Action<string>? onStdoutLine)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Clients.Directory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1"; // no __pycache__ in the source tree
        psi.Environment["PYTHONUNBUFFERED"] = "1";
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        psi.Environment["KAFKAJS_NO_PARTITIONER_WARNING"] = "1";

        var process = new Process { StartInfo = psi };
        var client = new ClientProcess(process, onStdoutLine);
        process.OutputDataReceived += (_, e) => client.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => client.OnStderr(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ClientMissingException($"cannot run '{fileName}' ({e.Message}). {InstallHint(fileName)}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        if (!keepStdinOpen)
            process.StandardInput.Close();
        return client;
    }

    public int LineCount
    {
        get
        {
            lock (_lock)
                return _stdout.Count;
        }
    }

    /// <summary>Closes the child's stdin: for produce-stream, the signal to stop producing and finish.</summary>
    public void CloseStdin() => _process.StandardInput.Close();

    public async Task<ClientRun> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.WaitForExit();
            throw new ClientFailedException($"{Description} did not finish within {timeout.TotalSeconds:0} s; killed it.\nstderr:\n{Clients.Truncate(Stderr(), 6000)}");
        }

        _process.WaitForExit(); // drains the redirected output
        lock (_lock)
            return new ClientRun(Description, _process.ExitCode, [.. _stdout], _stderr.ToString(), _watch.Elapsed);
    }

    public ValueTask DisposeAsync() => ProcessControl.KillAndDisposeAsync(_process);

    private string Stderr()
    {
        lock (_lock)
            return _stderr.ToString();
    }

    private void OnStdout(string? line)
    {
        if (line is null)
            return;
        lock (_lock)
            _stdout.Add(line);
        _onStdoutLine?.Invoke(line);
    }

    private void OnStderr(string? line)
    {
        if (line is null)
            return;
        lock (_lock)
            _stderr.AppendLine(line);
    }

    private static string InstallHint(string fileName) => Path.GetFileName(fileName) switch
    {
        "kcat" => "Install kcat: apt-get install -y kcat (CI: .ci/run).",
        "python3" => "The suite needs /usr/bin/python3 with python3-kafka and python3-confluent-kafka: apt-get install -y python3-kafka python3-confluent-kafka (CI: .ci/run).",
        "node" => "Install Node.js (20+) and run 'npm ci' in tests/ActorStream.Compat.Tests/clients (CI: .ci/run).",
        _ => "See .ci/run for what the compatibility suite installs.",
    };
}

public sealed class ClientFailedException(string message) : Exception(message);

public sealed class ClientMissingException(string message) : Exception(message);
