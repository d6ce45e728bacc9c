using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// A topic's compression.type makes the broker store batches in that codec, as Kafka does: librdkafka produces
/// uncompressed records with keys and headers, and kafka-python (python-snappy, python-lz4, python-zstandard) and
/// librdkafka read them back from batches the broker encoded (the codec is read from the stored batch on disk).
/// </summary>
public sealed class TopicCompressionTests(NodeFixture fixture, ITestOutputHelper output) : CompatTest(fixture, output), IClassFixture<NodeFixture>
{
    public static TheoryData<string> Codecs => new() { "gzip", "snappy", "lz4", "zstd" };

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Batches_are_stored_in_the_topics_codec_and_every_client_reads_them(string codec)
    {
        var topic = NewTopicName($"compression-{codec}");
        await Clients.Confluent("create-topic", Bootstrap, new { Topic = topic, Partitions = 1, Configs = new Dictionary<string, string> { ["compression.type"] = codec } });
        var records = Enumerable.Range(0, 50)
            .Select(i => new ProducedRecord($"key-{i}", $"value-{i}-{new string('z', i * 10)}", Headers: [["trace", $"t{i}"]]))
            .ToArray();
        Assert.Equal(50, Ack.ListFrom(await Clients.Confluent("produce", Bootstrap, new { Topic = topic, Records = records, Compression = "none" })).Count);

        // The attributes of the first stored batch (offset 21 of a RecordBatch v2; the low 3 bits are the codec).
        var segment = await File.ReadAllBytesAsync(Path.Combine(Node.DataDirectory, $"{topic}-0", "00000000000000000000.log"));
        int stored = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(segment.AsSpan(21)) & 7;
        Assert.Equal(Array.IndexOf(["none", "gzip", "snappy", "lz4", "zstd"], codec), stored);

        foreach (var consumer in new[] { "kafka-python", "confluent" })
        {
            var consumed = consumer == "confluent"
                ? await Clients.Confluent("consume", Bootstrap, new { Topic = topic, From = "beginning" })
                : await Clients.KafkaPython("consume", Bootstrap, new { Topic = topic, From = "beginning" });
            var read = consumed["records"]!.AsArray().Select(r => (r!["key"]?.GetValue<string>(), r["value"]?.GetValue<string>())).ToList();
            Assert.Equal(records.Select(r => (r.Key, r.Value)), read);
        }
    }
}
