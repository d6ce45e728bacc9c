using System.Globalization;
using System.Text.Json.Nodes;
using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// Produce keyed records with headers through every compression codec each client has, then consume from the
/// beginning and check keys, values, headers and per-partition offsets.
/// Codecs per client (each client's full set available here is covered; the rest is not a skip but absent):
///   confluent-kafka-python and kcat (librdkafka 2.0.2, built with all of them): none, gzip, snappy, lz4, zstd;
///   kafka-python 2.0.2 under /usr/bin/python3: none, gzip, snappy, lz4, zstd (with Debian's python3-snappy,
///     python3-lz4 and python3-zstandard, which .ci/run installs);
///   KafkaJS 2.2.4: none, gzip (snappy, lz4, zstd need extra codec packages KafkaJS does not bundle).
/// </summary>
public sealed class ProduceConsumeTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    private const int Partitions = 3;

    public static TheoryData<string> LibrdkafkaCodecs => new() { "none", "gzip", "snappy", "lz4", "zstd" };

    public static TheoryData<string> GzipOnlyCodecs => new() { "none", "gzip" };

    /// <summary>
    /// 60 records over 3 partitions (record i to partition i % 3): every tenth key null, non-ASCII text, values
    /// that compress, and headers (every seventh record with a repeated header name, adjacent).
    /// </summary>
    private static List<ProducedRecord> Records(string client, string codec, bool headers = true, int count = 60) =>
        Expect.Spread(count, Partitions, i => new ProducedRecord(
            Key: i % 10 == 9 ? null : $"key-{i}-ключ",
            Value: $"value-{i} {client}/{codec} värde ✓ " + string.Concat(Enumerable.Repeat("compressible payload ", 1 + (i % 5))),
            Headers: headers ? Headers(client, i) : null));

    private static string[][] Headers(string client, int i)
    {
        var list = new List<string[]> { new[] { "client", client }, new[] { "index", i.ToString(CultureInfo.InvariantCulture) } };
        if (i % 7 == 0)
            list.Add(["index", $"again-{i}"]);
        list.Add(["trace", $"t-{i:x4}"]);
        return [.. list];
    }

    private async Task<string> CreateTopic(string purpose)
    {
        var topic = NewTopicName(purpose);
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions });
        return topic;
    }

    private async Task<List<ConsumedRecord>> ConsumeWithConfluent(string topic) =>
        ConsumedRecord.ListFrom(await Clients.Confluent("consume", Bootstrap, new { Topic = topic, From = "beginning" }));

    [Theory]
    [MemberData(nameof(LibrdkafkaCodecs))]
    public async Task ConfluentKafka_produces_keys_headers_with_codec_and_consumes_them_from_the_beginning(string codec)
    {
        var topic = await CreateTopic($"confluent-{codec}");
        var records = Records("confluent", codec);
        var produced = await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = records, Compression = codec, LingerMs = 50 });
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));
        Expect.SameRecords(records, await ConsumeWithConfluent(topic));
    }

    [Theory]
    [MemberData(nameof(LibrdkafkaCodecs))]
    public async Task KafkaPython_produces_keys_headers_with_codec_and_both_clients_consume_them(string codec)
    {
        var topic = await CreateTopic($"kafkapython-{codec}");
        var records = Records("kafka-python", codec);
        var produced = await Clients.KafkaPython("produce", Bootstrap, new { Topic = topic, Records = records, Compression = codec, LingerMs = 50 });
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));
        Expect.SameRecords(records, ConsumedRecord.ListFrom(await Clients.KafkaPython("consume", Bootstrap, new { Topic = topic, From = "beginning" })));
        Expect.SameRecords(records, await ConsumeWithConfluent(topic));
    }

    [Theory]
    [MemberData(nameof(GzipOnlyCodecs))]
    public async Task KafkaJs_produces_keys_headers_with_codec_and_they_are_consumed_from_the_beginning(string codec)
    {
        var topic = await CreateTopic($"kafkajs-{codec}");
        var records = Records("kafkajs", codec);
        var produced = await Clients.KafkaJs("produce", Bootstrap, new { Topic = topic, Records = records, Compression = codec, BatchSize = 20 });
        Expect.ConsecutiveAcks(records, Ack.ListFrom(produced));
        Expect.SameRecords(records, await ConsumeWithConfluent(topic));
    }

    [Theory]
    [MemberData(nameof(LibrdkafkaCodecs))]
    public async Task Kcat_produces_keyed_records_with_headers_and_codec_and_consumes_them_with_J(string codec)
    {
        var topic = await CreateTopic($"kcat-{codec}");
        // kcat -P: one record per stdin line, "key|value"; the same -H headers on every record; partition 1.
        var records = Enumerable.Range(0, 40).Select(i => new ProducedRecord($"kcat-key-{i}", $"kcat-value-{i} {codec} " + new string('z', 10 * (i % 4)), 1,
            [["source", "kcat"], ["codec", codec]])).ToList();
        var stdin = string.Concat(records.Select(r => $"{r.Key}|{r.Value}\n"));
        await Clients.Kcat(["-P", "-b", Bootstrap, "-t", topic, "-p", "1", "-K", "|", "-H", "source=kcat", "-H", $"codec={codec}",
            "-X", $"compression.codec={codec}", "-X", "acks=all", "-X", "linger.ms=50", "-X", "message.timeout.ms=30000"], stdin);

        var lines = await Clients.Kcat(["-C", "-b", Bootstrap, "-t", topic, "-p", "1", "-o", "beginning", "-e", "-J", "-q"]);
        var consumed = lines.Where(l => l.StartsWith('{')).Select(l => FromKcatJson(JsonNode.Parse(l)!)).ToList();
        Expect.SameRecords(records, consumed);
        Expect.SameRecords(records, await ConsumeWithConfluent(topic));
    }

    [Fact]
    public async Task Kcat_consumes_every_partition_from_the_beginning_with_a_format_string()
    {
        var topic = await CreateTopic("kcat-format");
        var baseTs = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        var records = Expect.Spread(30, Partitions, i => new ProducedRecord(i == 4 ? null : $"k{i}", $"v{i}", Headers: [["h", $"x{i}"]], Timestamp: baseTs + i));
        Expect.ConsecutiveAcks(records, Ack.ListFrom(await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = records })));

        var lines = await Clients.Kcat(["-C", "-b", Bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", @"%p\t%o\t%T\t%K\t%k\t%s\t%h\n"]);
        var consumed = lines.Where(l => l.Length > 0).Select(FromKcatFormat).ToList();
        Expect.SameRecords(records, consumed);
    }

    /// <summary>A kcat -J envelope; headers come as ["k","v",...] (kcat 1.7) or {"k":"v"} (its documentation).</summary>
    internal static ConsumedRecord FromKcatJson(JsonNode j)
    {
        var headers = new List<(string, string?)>();
        switch (j["headers"])
        {
            case JsonArray a:
                for (var i = 0; i + 1 < a.Count; i += 2)
                    headers.Add((a[i]!.GetValue<string>(), a[i + 1]?.GetValue<string>()));
                break;
            case JsonObject o:
                headers.AddRange(o.Select(kv => (kv.Key, kv.Value?.GetValue<string>())));
                break;
        }

        return new ConsumedRecord(j["partition"]!.GetValue<int>(), j["offset"]!.GetValue<long>(), j["key"]?.GetValue<string>(),
            j["payload"]?.GetValue<string>(), headers, j["ts"]?.GetValue<long>() ?? -1);
    }

    /// <summary>One line of -f '%p\t%o\t%T\t%K\t%k\t%s\t%h' (%K = key length, -1 for a null key; %h = n=v CSV).</summary>
    internal static ConsumedRecord FromKcatFormat(string line)
    {
        var f = line.Split('\t');
        Assert.True(f.Length == 7, $"unexpected kcat line: {line}");
        var headers = f[6].Length == 0 ? [] : f[6].Split(',').Select(h => h.Split('=', 2)).Select(p => (p[0], (string?)p[1])).ToList();
        return new ConsumedRecord(int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
            f[3] == "-1" ? null : f[4], f[5], headers, long.Parse(f[2], CultureInfo.InvariantCulture));
    }
}
