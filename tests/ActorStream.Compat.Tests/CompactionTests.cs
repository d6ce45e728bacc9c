using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Background compaction read by real clients: an idempotent librdkafka producer writes lz4-compressed keyed
/// records to a compacted topic with small segments; the node (retention and compaction checked every 200 ms)
/// compacts the closed segments in lz4, keeping each producer batch's sequence range. kafka-python and librdkafka
/// then read the topic from the beginning: fewer records than were produced, offsets still increasing, and every
/// key's newest value there, a tombstone among them. The tombstone's batch carries the delete horizon compaction
/// stamped into it (KIP-534, attributes bit 6), which the clients read past. This class has its own node (its check
/// interval is not the default).
/// </summary>
public sealed class CompactionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly OwnNodes _nodes = new(output, "actorstream-compat-compaction");
    private readonly Clients _clients = new(output);
    private NodeProcess? _node;

    public async Task InitializeAsync() =>
        _node = await _nodes.StartAsync(extraConfig: "actorstream.broker.log-retention-check-interval = 200 ms\n");

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task Clients_read_a_compacted_lz4_topic_with_each_keys_newest_value_and_increasing_offsets()
    {
        var bootstrap = _node!.BootstrapServers;
        var topic = $"compat-compacted-{Guid.NewGuid():N}";
        var configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["segment.bytes"] = "200", ["min.cleanable.dirty.ratio"] = "0.01" };
        await _clients.Confluent("create-topic", bootstrap, new { Topic = topic, Partitions = 1, Configs = configs });
        const int Count = 400;
        const int PerRequest = 20; // one producer session per 20 records: at least one batch each, so many small segments
        for (int start = 0; start < Count; start += PerRequest)
        {
            var batch = Enumerable.Range(start, PerRequest).Select(i => new ProducedRecord($"key-{i % 10}", $"value-{i}", Partition: 0)).ToArray();
            var acks = Ack.ListFrom(await _clients.Confluent("produce", bootstrap, new { Topic = topic, Records = batch, Compression = "lz4", Idempotent = true }));
            Assert.Equal(Enumerable.Range(start, PerRequest).Select(i => (long)i), acks.Select(a => a.Offset)); // record i at offset i
        }

        // A tombstone for key-0 (offset Count), then fillers that roll it out of the active segment so it is compacted.
        for (int start = Count; start < Count + (2 * PerRequest); start += PerRequest)
        {
            var batch = Enumerable.Range(start, PerRequest)
                .Select(i => i == Count ? new ProducedRecord("key-0", null, Partition: 0) : new ProducedRecord($"filler-{i}", $"value-{i}", Partition: 0)).ToArray();
            var acks = Ack.ListFrom(await _clients.Confluent("produce", bootstrap, new { Topic = topic, Records = batch, Compression = "lz4", Idempotent = true }));
            Assert.Equal(Enumerable.Range(start, PerRequest).Select(i => (long)i), acks.Select(a => a.Offset));
        }

        var newest = Enumerable.Range(0, 10).ToDictionary(k => $"key-{k}", k => k == 0 ? null : (string?)$"value-{Count - 10 + k}");
        foreach (int i in Enumerable.Range(Count + 1, (2 * PerRequest) - 1))
            newest[$"filler-{i}"] = $"value-{i}";

        // Compaction runs on the node's timer; poll (hang detection only) until the closed segments were compacted.
        List<(long Offset, string? Key, string? Value)> read = [];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            read = await ReadAll(GroupClient.KafkaPython, topic);
            if ((read.Count < Count / 2 && TombstoneBatchHasDeleteHorizon(topic, Count)) || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(250);
        }

        Assert.True(read.Count < Count / 2, $"still {read.Count} of {Count} records after 60 s: the topic was not compacted");
        Assert.True(TombstoneBatchHasDeleteHorizon(topic, Count), "the tombstone's batch was not stamped with a delete horizon");
        foreach (var client in new[] { GroupClient.KafkaPython, GroupClient.Confluent })
        {
            var records2 = client == GroupClient.KafkaPython ? read : await ReadAll(client, topic);
            Assert.Equal(records2.Select(r => r.Offset).Order(), records2.Select(r => r.Offset));
            Assert.Equal(records2.Count, records2.Select(r => r.Offset).Distinct().Count());
            var last = records2.GroupBy(r => r.Key!).ToDictionary(g => g.Key, g => g.Last().Value);
            Assert.Equal(newest.OrderBy(kv => kv.Key), last.OrderBy(kv => kv.Key));
            Assert.Contains((Count, "key-0", null), records2); // the tombstone, kept for delete.retention.ms (a day by default)
            Assert.All(records2.Where(r => r.Value is not null), r => Assert.Equal($"value-{r.Offset}", r.Value)); // every survivor at its original offset
        }

        await _node.StopAsync(); // a clean SIGTERM shutdown (exit code 0) is part of the contract too
    }

    // Whether the stored batch holding the offset carries a delete horizon (false while compaction swaps the files).
    private bool TombstoneBatchHasDeleteHorizon(string topic, long offset)
    {
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(_node!.DataDirectory, $"{topic}-0"), "*.log"))
            {
                var scanner = new ActorStream.Records.RecordBatchScanner(File.ReadAllBytes(file));
                while (scanner.MoveNext())
                {
                    if (scanner.Current.BaseOffset <= offset && offset <= scanner.Current.LastOffset)
                        return scanner.Current.HasDeleteHorizon;
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }

    private async Task<List<(long Offset, string? Key, string? Value)>> ReadAll(string client, string topic)
    {
        var consumed = client == GroupClient.Confluent
            ? await _clients.Confluent("consume", _node!.BootstrapServers, new { Topic = topic, From = "beginning" })
            : await _clients.KafkaPython("consume", _node!.BootstrapServers, new { Topic = topic, From = "beginning" });
        return [.. consumed["records"]!.AsArray().Select(r => (r!["offset"]!.GetValue<long>(), r["key"]?.GetValue<string>(), r["value"]?.GetValue<string>()))];
    }
}
