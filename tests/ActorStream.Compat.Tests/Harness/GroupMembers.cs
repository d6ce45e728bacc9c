using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorStream.Compat.Tests.Harness;

/// <summary>The clients a long-running group member can be (see <see cref="GroupScenario.Start"/>).</summary>
public static class GroupClient
{
    /// <summary>confluent-kafka-python (librdkafka) through clients/group_member.py.</summary>
    public const string Confluent = "confluent";

    /// <summary>kafka-python through clients/group_member.py.</summary>
    public const string KafkaPython = "kafka-python";

    /// <summary>KafkaJS through clients/kafkajs_group_member.js (round-robin assignor only).</summary>
    public const string KafkaJs = "kafkajs";

    /// <summary>kcat -G (librdkafka's balanced consumer, kcat's own rebalance callback).</summary>
    public const string Kcat = "kcat";
}

/// <summary>The settings of one member process (the member scripts' command-line flags).</summary>
public sealed record MemberOptions(string Group, string Topic)
{
    public string? InstanceId { get; init; }

    /// <summary>range | roundrobin | cooperative-sticky (KafkaJS: roundrobin only).</summary>
    public string? Strategy { get; init; }

    public string AutoOffsetReset { get; init; } = "earliest";

    /// <summary>auto | after-processing | none.</summary>
    public string Commit { get; init; } = "auto";

    public int SessionTimeoutMs { get; init; } = 10_000;

    public int HeartbeatIntervalMs { get; init; } = 1_000;

    /// <summary>Records per poll and per commit (python members).</summary>
    public int? Batch { get; init; }

    /// <summary>Stop cleanly (leave the group) after processing this many records; 0: no limit.</summary>
    public int MaxRecords { get; init; }

    /// <summary>Simulated processing time per record (python members).</summary>
    public int ProcessDelayMs { get; init; }
}

/// <summary>A record as a member processed it: which member, in which generation (null where not known).</summary>
public sealed record MemberRecord(string Member, int? Generation, int Partition, long Offset, string? Key, string? Value, TimeSpan At);

/// <summary>One event of a member (a JSON line of its event stream), with when the harness received it.</summary>
public sealed record MemberEvent(string Kind, JsonObject Json, TimeSpan At)
{
    public IReadOnlyList<int> Partitions(string field = "partitions") =>
        Json[field] is JsonArray a ? [.. a.Select(p => p!.GetValue<int>())] : [];

    public int? Generation => Json["generation"]?.GetValue<int?>();

    public override string ToString() => $"+{At.TotalSeconds:0.000}s {Json.ToJsonString()}";
}

/// <summary>
/// The members of one test's consumer group(s): starts member processes (clients/group_member.py,
/// clients/kafkajs_group_member.js or kcat -G), reads their event streams asynchronously and lets the test
/// wait on conditions over the members' state (<see cref="WaitUntil"/>): every event re-evaluates the condition,
/// the timeout is failure detection only. A member that exits on its own (not told to stop) fails the wait at
/// once. Disposing kills what still runs and writes every member's events and stderr to the test output.
/// </summary>
public sealed class GroupScenario(ITestOutputHelper output, string bootstrap) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    private readonly List<GroupMember> _members = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Bootstrap { get; set; } = bootstrap;

    /// <summary>Time since the scenario began (the clock of every event's <see cref="MemberEvent.At"/>).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyList<GroupMember> Members
    {
        get
        {
            lock (_members)
                return [.. _members];
        }
    }

    /// <summary>Starts a member: <paramref name="client"/> is one of <see cref="GroupClient"/>'s names.</summary>
    public GroupMember Start(string client, string name, MemberOptions options)
    {
        var (file, args) = client switch
        {
            GroupClient.Confluent or GroupClient.KafkaPython => (Clients.SystemPython, PythonArgs(client, name, options)),
            GroupClient.KafkaJs => ("node", KafkaJsArgs(name, options)),
            GroupClient.Kcat => ("kcat", KcatArgs(name, options)),
            _ => throw new ArgumentException($"unknown group client {client}", nameof(client)),
        };
        output.WriteLine($"[+{Elapsed.TotalSeconds:0.000}s] start member {name}: {file} {string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains('\t', StringComparison.Ordinal) ? $"'{a}'" : a))}");
        var member = GroupMember.Start(this, client, name, options, file, args);
        lock (_members)
            _members.Add(member);
        Changed();
        return member;
    }

    private List<string> PythonArgs(string client, string name, MemberOptions o)
    {
        var args = new List<string>
        {
            Path.Combine(Clients.Directory, "group_member.py"), "--client", client, "--bootstrap", Bootstrap, "--group", o.Group,
            "--topic", o.Topic, "--name", name, "--auto-offset-reset", o.AutoOffsetReset, "--commit", o.Commit,
            "--session-timeout-ms", Invariant(o.SessionTimeoutMs), "--heartbeat-interval-ms", Invariant(o.HeartbeatIntervalMs),
            "--timeout", "400",
        };
        if (o.InstanceId is not null)
            args.AddRange(["--instance-id", o.InstanceId]);
        if (o.Strategy is not null)
            args.AddRange(["--strategy", o.Strategy]);
        if (o.Batch is { } batch)
            args.AddRange(["--batch", Invariant(batch)]);
        if (o.MaxRecords > 0)
            args.AddRange(["--max-records", Invariant(o.MaxRecords)]);
        if (o.ProcessDelayMs > 0)
            args.AddRange(["--process-delay-ms", Invariant(o.ProcessDelayMs)]);
        return args;
    }

    private List<string> KafkaJsArgs(string name, MemberOptions o)
    {
        if (o.InstanceId is not null)
            throw new ArgumentException("KafkaJS 2.2.4 has no static membership");
        var args = new List<string>
        {
            Path.Combine(Clients.Directory, "kafkajs_group_member.js"), "--bootstrap", Bootstrap, "--group", o.Group, "--topic", o.Topic,
            "--name", name, "--auto-offset-reset", o.AutoOffsetReset, "--commit", o.Commit,
            "--session-timeout-ms", Invariant(o.SessionTimeoutMs), "--heartbeat-interval-ms", Invariant(o.HeartbeatIntervalMs),
            "--timeout", "400",
        };
        if (o.Strategy is not null)
            args.AddRange(["--strategy", o.Strategy]);
        if (o.MaxRecords > 0)
            args.AddRange(["--max-records", Invariant(o.MaxRecords)]);
        return args;
    }

    private List<string> KcatArgs(string name, MemberOptions o) =>
    [
        // -u: unbuffered stdout (one line per record as it comes); kcat's rebalance callback prints
        // "% Group G rebalanced (memberid M): assigned: T [0], T [1]" (and "revoked: ...") on stderr.
        "-b", Bootstrap, "-G", o.Group, o.Topic, "-u", "-f", @"%p\t%o\t%k\t%s\n",
        "-X", $"client.id={name}", "-X", $"auto.offset.reset={o.AutoOffsetReset}",
        "-X", $"session.timeout.ms={Invariant(o.SessionTimeoutMs)}", "-X", $"heartbeat.interval.ms={Invariant(o.HeartbeatIntervalMs)}",
        "-X", $"partition.assignment.strategy={o.Strategy ?? "range"}", "-X", "reconnect.backoff.max.ms=1000",
    ];

    internal void Changed()
    {
        var previous = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-evaluating it on every member event; returns the
    /// scenario time at which it held. Fails after <paramref name="timeout"/> (default 60 s: failure detection
    /// only) with every member's state, or at once when a member exits without having been told to.
    /// </summary>
    public async Task<TimeSpan> WaitUntil(string what, Func<bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultWait;
        var start = Elapsed;
        output.WriteLine($"[+{start.TotalSeconds:0.000}s] waiting for: {what}");
        while (true)
        {
            var changed = Volatile.Read(ref _changed); // taken before the check: no event can slip between them
            if (condition())
            {
                var at = Elapsed;
                output.WriteLine($"[+{at.TotalSeconds:0.000}s] reached after {(at - start).TotalMilliseconds:0} ms: {what}");
                return at;
            }

            var crashed = Members.Where(m => m.HasExited && !m.ExitExpected).ToList();
            if (crashed.Count > 0)
                Assert.Fail($"while waiting for {what}: member(s) {string.Join(", ", crashed.Select(m => m.Name))} exited on their own.\n{Describe()}");
            var remaining = limit - (Elapsed - start);
            if (remaining <= TimeSpan.Zero)
                Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {what}.\n{Describe()}");
            await Task.WhenAny(changed.Task, Task.Delay(remaining));
        }
    }

    /// <summary>Every member's state, recent events and stderr: the body of a failure message.</summary>
    public string Describe() => string.Join("\n", Members.Select(m => m.Describe()));

    /// <summary>
    /// True when <paramref name="members"/> all joined (had an assignment), are still running, hold disjoint
    /// assignments covering partitions 0..<paramref name="partitions"/>-1, each holding as many partitions as
    /// <paramref name="counts"/> says (as a multiset, e.g. [2, 2] or [1, 1, 1, 1, 0]), and all report the same
    /// generation (members that report none are left out of that check).
    /// </summary>
    public static bool Split(IReadOnlyList<GroupMember> members, int partitions, params int[] counts)
    {
        var assignments = members.Select(m => m.Assignment).ToList();
        if (members.Any(m => !m.Joined || m.HasExited))
            return false;
        if (!assignments.Select(a => a.Count).Order().SequenceEqual(counts.Order()))
            return false;
        var all = assignments.SelectMany(a => a).ToList();
        if (all.Count != all.Distinct().Count() || !all.Order().SequenceEqual(Enumerable.Range(0, partitions)))
            return false;
        return members.Select(m => m.Generation).Where(g => g is not null).Distinct().Count() <= 1;
    }

    /// <summary>The members' assignments as one line: "a=[0,1] gen 3; b=[2,3] gen 3".</summary>
    public static string Assignments(IEnumerable<GroupMember> members) =>
        string.Join("; ", members.Select(m => $"{m.Name}=[{string.Join(',', m.Assignment)}] gen {m.Generation?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));

    /// <summary>Kills what still runs and reports every member; never throws (a failing test's own exception must show).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members)
        {
            try
            {
                await member.DisposeAsync();
                output.WriteLine(member.Report());
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or Win32Exception)
            {
                output.WriteLine($"(member {member.Name}: {e.Message})");
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One member process and what its event stream said so far (thread-safe snapshots).</summary>
public sealed partial class GroupMember : IAsyncDisposable
{
    private const int StderrCapacity = 300;

    private readonly GroupScenario _scenario;
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<MemberEvent> _events = [];
    private readonly List<MemberRecord> _records = [];
    private readonly Queue<string> _stderr = new();
    private readonly Dictionary<int, long> _committed = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<int> _assignment = [];
    private int? _generation;
    private bool _joined;
    private Dictionary<int, long>? _positions;
    private volatile bool _exitExpected;
    private int? _exitCode;

    private GroupMember(GroupScenario scenario, string client, string name, MemberOptions options, Process process)
    {
        _scenario = scenario;
        Client = client;
        Name = name;
        Options = options;
        _process = process;
        _exitExpected = options.MaxRecords > 0;
    }

    public string Name { get; }

    public string Client { get; }

    public MemberOptions Options { get; }

    public int Pid { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Whether the test asked it to go (stdin closed, killed, terminated, or --max-records given).</summary>
    public bool ExitExpected => _exitExpected;

    public int? ExitCode
    {
        get
        {
            lock (_lock)
                return _exitCode;
        }
    }

    /// <summary>Its whole current assignment (after the last assigned/revoked/lost event), sorted.</summary>
    public IReadOnlyList<int> Assignment
    {
        get
        {
            lock (_lock)
                return [.. _assignment];
        }
    }

    /// <summary>The generation of its current assignment (null until assigned, or where the client does not tell).</summary>
    public int? Generation
    {
        get
        {
            lock (_lock)
                return _generation;
        }
    }

    /// <summary>Whether it received an assignment (possibly empty) at least once.</summary>
    public bool Joined
    {
        get
        {
            lock (_lock)
                return _joined;
        }
    }

    /// <summary>The start positions it reported after its latest assignment (null until it knows them).</summary>
    public IReadOnlyDictionary<int, long>? Positions
    {
        get
        {
            lock (_lock)
                return _positions is null ? null : new Dictionary<int, long>(_positions);
        }
    }

    public IReadOnlyList<MemberEvent> Events
    {
        get
        {
            lock (_lock)
                return [.. _events];
        }
    }

    public IReadOnlyList<MemberRecord> Records
    {
        get
        {
            lock (_lock)
                return [.. _records];
        }
    }

    public int RecordCount
    {
        get
        {
            lock (_lock)
                return _records.Count;
        }
    }

    /// <summary>The last offsets it reported committed ("committed" events), per partition.</summary>
    public IReadOnlyDictionary<int, long> Committed
    {
        get
        {
            lock (_lock)
                return new Dictionary<int, long>(_committed);
        }
    }

    /// <summary>The events of a kind (assigned, revoked, lost, positions, committed, commit_failed, closed, ...).</summary>
    public IReadOnlyList<MemberEvent> EventsOf(string kind) => [.. Events.Where(e => e.Kind == kind)];

    internal static GroupMember Start(GroupScenario scenario, string client, string name, MemberOptions options, string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file)
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
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["PYTHONUNBUFFERED"] = "1";
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        psi.Environment["KAFKAJS_NO_PARTITIONER_WARNING"] = "1";
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var member = new GroupMember(scenario, client, name, options, process);
        process.OutputDataReceived += (_, e) => member.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => member.OnStderr(e.Data);
        process.Exited += (_, _) => member.OnExited();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ClientMissingException($"cannot run '{file}' ({e.Message}); see .ci/run for what the compatibility suite installs");
        }

        member.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return member;
    }

    /// <summary>Closes its stdin: a python or KafkaJS member then closes its consumer (LeaveGroup) and exits 0.</summary>
    public void CloseStdin()
    {
        _exitExpected = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>SIGKILL: no LeaveGroup, no commit; the coordinator only learns from the missing heartbeats.</summary>
    public void Kill()
    {
        _exitExpected = true;
        if (!HasExited)
            Signal(ProcessControl.SIGKILL);
    }

    /// <summary>SIGTERM (kcat closes its consumer cleanly on it).</summary>
    public void Terminate()
    {
        _exitExpected = true;
        if (!HasExited)
            Signal(ProcessControl.SIGTERM);
    }

    /// <summary>Waits for the process to end and returns its exit code (fails after the timeout).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (await Task.WhenAny(_exited.Task, Task.Delay(limit)) != _exited.Task)
            Assert.Fail($"member {Name} did not exit within {limit.TotalSeconds:0} s.\n{Describe()}");
        _process.WaitForExit(); // drains the redirected output
        return ExitCode ?? _process.ExitCode;
    }

    /// <summary>Closes stdin and requires a clean exit (code 0) after leaving the group.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (Client == GroupClient.Kcat)
            Terminate();
        else
            CloseStdin();
        var code = await WaitForExitAsync(timeout);
        Assert.True(code == 0, $"member {Name} exited with code {code} when asked to leave.\n{Describe()}");
    }

    public ValueTask DisposeAsync()
    {
        _exitExpected = true;
        return ProcessControl.KillAndDisposeAsync(_process);
    }

    /// <summary>A few lines: state, the latest non-record events, the stderr tail.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"--- member {Name} ({Client}, pid {Pid}, {(_exitCode is { } code ? $"exited with code {code}" : "running")}): ");
            sb.Append(CultureInfo.InvariantCulture, $"assignment [{string.Join(',', _assignment)}], generation {_generation?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {_records.Count} record(s)\n");
            var events = _events.Where(e => e.Kind != "record").ToList();
            sb.Append(CultureInfo.InvariantCulture, $"  events ({events.Count} besides records; last 12):\n");
            foreach (var e in events.TakeLast(12))
                sb.Append("    ").AppendLine(Clients.Truncate(e.ToString(), 400));
            sb.Append("  stderr (last 15 lines):\n");
            foreach (var line in _stderr.TakeLast(15))
                sb.Append("    ").AppendLine(Clients.Truncate(line, 600));
            return sb.ToString();
        }
    }

    /// <summary>The whole story for the test output: every non-record event, the record count, stderr.</summary>
    public string Report()
    {
        lock (_lock)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"=== member {Name} ({Client}, pid {Pid}, exit code {_exitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}): {_records.Count} record(s)\n");
            foreach (var e in _events.Where(e => e.Kind != "record"))
                sb.Append("  ").AppendLine(Clients.Truncate(e.ToString(), 400));
            sb.Append("  stderr (last 40 lines):\n");
            foreach (var line in _stderr.TakeLast(40))
                sb.Append("    ").AppendLine(Clients.Truncate(line, 600));
            return sb.ToString();
        }
    }

    public override string ToString() => $"{Name} ({Client})";

    private void OnStdout(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        var at = _scenario.Elapsed;
        JsonObject? json;
        if (Client == GroupClient.Kcat)
        {
            json = KcatRecord(line);
        }
        else
        {
            try
            {
                json = JsonNode.Parse(line) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                json = null;
            }
        }

        if (json is null)
        {
            AddStderr($"(stdout, not an event) {line}");
            return;
        }

        Apply(json, at);
    }

    private void OnStderr(string? line)
    {
        if (line is null)
            return;
        AddStderr(line);
        if (Client == GroupClient.Kcat && KcatRebalance().Match(line) is { Success: true } m)
        {
            var partitions = new JsonArray([.. PartitionRef().Matches(m.Groups["list"].Value).Select(p => JsonValue.Create(int.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture)))]);
            var kind = m.Groups["kind"].Value;
            List<int> after;
            lock (_lock)
                after = kind == "assigned" ? [.. partitions.Select(p => p!.GetValue<int>())] : [];
            Apply(new JsonObject
            {
                ["event"] = kind,
                ["member"] = Name,
                ["partitions"] = partitions,
                ["assignment"] = new JsonArray([.. after.Select(p => JsonValue.Create(p))]),
                ["generation"] = null,
                ["member_id"] = m.Groups["memberid"].Value,
            }, _scenario.Elapsed);
        }
    }

    private void AddStderr(string line)
    {
        lock (_lock)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > StderrCapacity)
                _stderr.Dequeue();
        }
    }

    private void Apply(JsonObject json, TimeSpan at)
    {
        var kind = json["event"]?.GetValue<string>() ?? "?";
        var e = new MemberEvent(kind, json, at);
        lock (_lock)
        {
            _events.Add(e);
            switch (kind)
            {
                case "assigned":
                    _assignment = [.. e.Partitions("assignment").Order()];
                    _generation = e.Generation;
                    _joined = true;
                    _positions = null;
                    break;
                case "revoked":
                case "lost":
                    _assignment = [.. e.Partitions("assignment").Order()];
                    break;
                case "positions":
                    _positions = (json["positions"] as JsonObject ?? []).ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value!.GetValue<long>());
                    break;
                case "committed":
                    foreach (var (p, o) in json["offsets"] as JsonObject ?? [])
                        _committed[int.Parse(p, CultureInfo.InvariantCulture)] = o!.GetValue<long>();
                    break;
                case "record":
                    _records.Add(new MemberRecord(Name, e.Generation, json["partition"]!.GetValue<int>(), json["offset"]!.GetValue<long>(),
                        json["key"]?.GetValue<string>(), json["value"]?.GetValue<string>(), at));
                    break;
            }
        }

        _scenario.Changed();
    }

    private JsonObject? KcatRecord(string line)
    {
        // -f '%p\t%o\t%k\t%s\n'
        var f = line.Split('\t', 4);
        if (f.Length != 4 || !int.TryParse(f[0], CultureInfo.InvariantCulture, out var partition) || !long.TryParse(f[1], CultureInfo.InvariantCulture, out var offset))
            return null;
        return new JsonObject { ["event"] = "record", ["member"] = Name, ["partition"] = partition, ["offset"] = offset, ["key"] = f[2], ["value"] = f[3], ["generation"] = null };
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        lock (_lock)
            _exitCode = code;
        _exited.TrySetResult();
        _scenario.Changed();
    }

    private void Signal(int signal) => ProcessControl.Signal(_process, signal, $"member {Name}");

    [GeneratedRegex(@"^% Group \S+ rebalanced \(memberid (?<memberid>[^)]*)\): (?<kind>assigned|revoked): ?(?<list>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex KcatRebalance();

    [GeneratedRegex(@"\[(\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex PartitionRef();
}
