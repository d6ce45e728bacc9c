using ActorStream.Compat.Tests.Harness;

namespace ActorStream.Compat.Tests;

/// <summary>
/// The clients the suite drives are installed, with the codecs the other tests use (no broker needed): a machine
/// without them fails here with the install command, instead of every compatibility test failing obscurely.
/// </summary>
public sealed class ClientsInstalledTests(ITestOutputHelper output)
{
    private readonly Clients _clients = new(output);

    [Fact]
    public async Task Kcat_is_installed_with_every_codec()
    {
        var version = string.Join('\n', await _clients.Kcat(["-V"]));
        Assert.Contains("kcat", version, StringComparison.Ordinal);
        var features = (await _clients.Kcat(["-X", "list"])).FirstOrDefault(l => l.StartsWith("builtin.features", StringComparison.Ordinal));
        Assert.True(features is not null, "kcat -X list shows no builtin.features");
        foreach (var codec in new[] { "gzip", "snappy", "lz4", "zstd" })
            Assert.True(features!.Contains(codec, StringComparison.Ordinal), $"kcat's librdkafka lacks {codec}: {features}");
    }

    [Fact]
    public async Task ConfluentKafka_python_is_installed_with_every_codec()
    {
        // The script creates a producer requiring builtin.features=gzip,snappy,lz4,zstd: librdkafka refuses it otherwise.
        var v = await _clients.Confluent("version", bootstrap: null);
        Assert.StartsWith("1.", v["version"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KafkaPython_is_installed_with_every_codec()
    {
        var v = await _clients.KafkaPython("version", bootstrap: null);
        foreach (var codec in new[] { "gzip", "snappy", "lz4", "zstd" })
            Assert.True(v["codecs"]![codec]!.GetValue<bool>(), $"kafka-python has no {codec} codec (Debian: python3-snappy python3-lz4 python3-zstandard)");
    }

    [Fact]
    public async Task KafkaJs_2_2_is_installed()
    {
        var v = await _clients.KafkaJs("version", bootstrap: null);
        Assert.StartsWith("2.2.", v["version"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
