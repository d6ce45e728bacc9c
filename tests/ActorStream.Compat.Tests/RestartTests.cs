using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// A node stopped and restarted (same data dir) under a running confluent-kafka-python producer (acks=all):
/// every record the producer saw acknowledged, before or after the restart, is there when consumed afterwards,
/// at the acknowledged offset. Each test has its own node.
///
/// The restarted node listens on the port the first one had: the one producer process spans the restart and
/// librdkafka knows only its bootstrap address, so this is the case where a fixed port is needed (the node must
/// be able to re-bind it at once, i.e. listen with SO_REUSEADDR, as .NET does by default on Linux).
/// </summary>
public sealed class RestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Partitions = 3;
    private const int AcksBeforeStop = 300;
    private const int AcksAfterRestart = 300;
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(60);

    private readonly OwnNodes _nodes = new(output, "actorstream-compat-restart");
    private readonly Clients _clients = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private Task<NodeProcess> Start(int port = 0) => _nodes.StartAsync(port);

    /// <summary>
    /// SIGTERM: a clean shutdown (exit code 0) must have made every acknowledged record durable; the producer's
    /// in-flight records are retried against the restarted node.
    /// </summary>
    [Fact]
    public Task Sigterm_restart_while_producing_loses_no_acknowledged_record() => RestartWhileProducing(graceful: true);

    /// <summary>
    /// SIGKILL: no shutdown hook runs. With acks=all an acknowledged record was written by the process before the
    /// ack; a process kill does not lose what reached the page cache (only an OS crash could lose data not yet
    /// fsynced under the broker's default flush policy), so every acknowledged record must still be there.
    /// </summary>
    [Fact]
    public Task Sigkill_restart_while_producing_loses_no_acknowledged_record() => RestartWhileProducing(graceful: false);

    private async Task RestartWhileProducing(bool graceful)
    {
        var node = await Start();
        var port = node.Port;
        var bootstrap = node.BootstrapServers;
        var topic = $"compat-restart-{Guid.NewGuid():N}";
        await _clients.Confluent("create-topic", bootstrap, new { Topic = topic, Partitions });

        var acks = new ConcurrentDictionary<long, (int Partition, long Offset)>();
        var failed = new ConcurrentBag<string>();
        var waiters = new ConcurrentDictionary<TaskCompletionSource, int>();
        void OnLine(string line)
        {
            if (!line.StartsWith("{\"event\"", StringComparison.Ordinal))
                return;
            var e = JsonNode.Parse(line)!;
            if (e["event"]!.GetValue<string>() == "ack")
                acks[e["seq"]!.GetValue<long>()] = (e["partition"]!.GetValue<int>(), e["offset"]!.GetValue<long>());
            else
                failed.Add(line);
            foreach (var (tcs, count) in waiters)
            {
                if (acks.Count >= count)
                    tcs.TrySetResult();
            }
        }

        async Task AwaitAcks(int count, string what)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters[tcs] = count;
            if (acks.Count >= count)
                tcs.TrySetResult();
            if (await Task.WhenAny(tcs.Task, Task.Delay(AckTimeout)) != tcs.Task)
                Assert.Fail($"{what}: {acks.Count} record(s) acknowledged within {AckTimeout.TotalSeconds:0} s, waited for {count}");
            waiters.TryRemove(tcs, out _);
        }

        await using var producer = _clients.StartConfluentStream("produce-stream", bootstrap, new { Topic = topic, Partitions, MessageTimeoutMs = 120_000 },
            TimeSpan.FromSeconds(240), OnLine);

        await AwaitAcks(AcksBeforeStop, "before the restart");
        if (graceful)
            await node.StopAsync(); // asserts exit code 0
        else
            await node.KillAsync();
        var acksAtStop = acks.Count;
        output.WriteLine($"{(graceful ? "SIGTERM" : "SIGKILL")}: {acksAtStop} acknowledged so far");

        node = await Start(port);
        var acksAtRestart = acks.Count;
        await AwaitAcks(acksAtRestart + AcksAfterRestart, "after the restart");
        producer.CloseStdin();
        var run = await producer.WaitAsync(TimeSpan.FromSeconds(180));
        _clients.Report(run);
        run.EnsureSuccess();
        var summary = run.Result();
        output.WriteLine($"producer: {summary.ToJsonString()}; failed deliveries: {failed.Count}");
        Assert.Equal(summary["acked"]!.GetValue<long>(), acks.Count);
        Assert.True(acks.Count >= acksAtStop + AcksAfterRestart, $"only {acks.Count - acksAtStop} record(s) acknowledged after the restart");

        var consumed = ConsumedRecord.ListFrom(await _clients.Confluent("consume", node.BootstrapServers, new { Topic = topic }, TimeSpan.FromSeconds(120)));
        var at = consumed.ToDictionary(r => (r.Partition, r.Offset), r => r.Value);
        var lost = acks.OrderBy(a => a.Key)
            .Where(a => !at.TryGetValue(a.Value, out var value) || value != $"seq-{a.Key}")
            .Select(a => $"seq {a.Key} acknowledged at {a.Value.Partition}/{a.Value.Offset} but found {(at.TryGetValue(a.Value, out var v) ? $"'{v}'" : "nothing")}")
            .ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acks.Count} acknowledged record(s) missing after the {(graceful ? "SIGTERM" : "SIGKILL")} restart: {string.Join("; ", lost.Take(10))}");

        // Offsets are dense: what was consumed in each partition runs from 0 without gaps.
        foreach (var group in consumed.GroupBy(r => r.Partition))
            Assert.Equal(Enumerable.Range(0, group.Count()).Select(i => (long)i), group.Select(r => r.Offset));

        await node.StopAsync();
        output.WriteLine(JsonSerializer.Serialize(new { acknowledged = acks.Count, consumed = consumed.Count, acksAtStop }));
    }
}
