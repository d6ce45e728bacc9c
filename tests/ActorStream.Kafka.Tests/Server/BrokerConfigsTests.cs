using ActorStream.Broker;
using ActorStream.Broker.Topics;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.DescribeConfigs;
using Xunit.Abstractions;
using static ActorStream.Kafka.Tests.Server.BrokerServerFixture;

namespace ActorStream.Kafka.Tests.Server;

/// <summary>DescribeConfigs on a broker resource: the broker's settings under Kafka's names, read-only, with their source.</summary>
public sealed class BrokerConfigsTests(ITestOutputHelper output)
{
    private static ProtocolStruct DescribeBroker(string name, params string[]? keys)
    {
        var body = DescribeConfigsMessages.Request.Create();
        var resource = body.AddStruct("Resources");
        resource.SetInt8("ResourceType", 4);
        resource.SetString("ResourceName", name);
        resource.SetArray("ConfigurationKeys", keys is { Length: > 0 } ? keys : null);
        return body;
    }

    [Fact]
    public async Task A_broker_resource_lists_its_settings_with_Kafkas_names_and_says_which_were_configured()
    {
        await using var server = await StartAsync(output, s => s with { Defaults = s.Defaults with { NumPartitions = 3 }, Groups = s.Groups with { InitialRebalanceDelayMs = 0 } });
        await using var client = await server.ConnectAsync();

        var response = await CallAsync(client, ApiKey.DescribeConfigs, 4, DescribeBroker("1"));
        var result = Assert.Single(response.GetStructs("Results")!);
        Assert.Equal(0, result.GetInt16("ErrorCode"));
        var configs = result.GetStructs("Configs")!.ToDictionary(c => c.GetString("Name")!);
        Assert.Equal(("3", (sbyte)ConfigSource.StaticBrokerConfig), (configs["num.partitions"].GetString("Value"), configs["num.partitions"].GetInt8("ConfigSource")));
        Assert.Equal(("0", (sbyte)ConfigSource.StaticBrokerConfig), (configs["group.initial.rebalance.delay.ms"].GetString("Value"), configs["group.initial.rebalance.delay.ms"].GetInt8("ConfigSource")));
        Assert.Equal(("604800000", (sbyte)ConfigSource.DefaultConfig), (configs["log.retention.ms"].GetString("Value"), configs["log.retention.ms"].GetInt8("ConfigSource")));
        Assert.Equal("producer", configs["compression.type"].GetString("Value"));
        Assert.Equal(server.Broker.Settings.DataDirectory, configs["log.dirs"].GetString("Value"));
        Assert.All(configs.Values, c => Assert.True(c.GetBool("ReadOnly")));
        Assert.Equal((sbyte)ConfigType.Boolean, configs["auto.create.topics.enable"].GetInt8("ConfigType"));

        var some = await CallAsync(client, ApiKey.DescribeConfigs, 4, DescribeBroker("1", "num.partitions", "no.such.config"));
        Assert.Equal(["num.partitions"], some.GetStructs("Results")![0].GetStructs("Configs")!.Select(c => c.GetString("Name")));

        var cluster = await CallAsync(client, ApiKey.DescribeConfigs, 4, DescribeBroker(""));
        Assert.Empty(cluster.GetStructs("Results")![0].GetStructs("Configs")!); // no dynamic cluster-wide defaults

        var other = await CallAsync(client, ApiKey.DescribeConfigs, 4, DescribeBroker("7"));
        Assert.Equal((short)ErrorCode.InvalidRequest, other.GetStructs("Results")![0].GetInt16("ErrorCode"));
        Assert.Contains("expected 1", other.GetStructs("Results")![0].GetString("ErrorMessage"), StringComparison.Ordinal);
    }

    [Fact]
    public void Kafka_defaults_are_described_as_defaults()
    {
        var entries = BrokerConfigs.Describe(new BrokerSettings { DataDirectory = "/data" });
        Assert.Equal(entries.Select(e => e.Name).Order(StringComparer.Ordinal), entries.Select(e => e.Name));
        Assert.All(entries.Where(e => e.Name is not ("broker.id" or "node.id" or "log.dirs")), e => Assert.Equal(ConfigSource.DefaultConfig, e.Source));
        Assert.Equal("10080", entries.Single(e => e.Name == "offsets.retention.minutes").Value);
    }
}
