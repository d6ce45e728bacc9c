using ActorStream.Broker;
using ActorStream.Broker.Controller;
using ActorStream.Broker.Topics;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.AlterConfigs;
using ActorStream.Kafka.Protocol.Messages.DescribeConfigs;
using ActorStream.Kafka.Protocol.Messages.IncrementalAlterConfigs;

namespace ActorStream.Kafka.Server.Admin;

/// <summary>Kafka's config resource types.</summary>
internal static class ConfigResource
{
    public const sbyte Topic = 2;
    public const sbyte Broker = 4;
}

/// <summary>
/// DescribeConfigs: a topic's every config with its value and source (override, broker setting, Kafka default). A
/// broker resource is answered with no entries: broker settings are static HOCON here, not dynamic configs.
/// </summary>
public sealed class DescribeConfigsHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    public override ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var response = DescribeConfigsMessages.Response.Create();
        var image = Broker.Metadata.Current;
        foreach (var resource in request.Body.GetStructs("Resources")!)
        {
            sbyte type = resource.GetInt8("ResourceType");
            string name = resource.GetString("ResourceName")!;
            var result = response.AddStruct("Results");
            result.SetInt8("ResourceType", type);
            result.SetString("ResourceName", name);
            IReadOnlyList<ConfigEntry> entries;
            if (type == ConfigResource.Broker)
            {
                // "" is the cluster-wide dynamic defaults, of which there are none; otherwise it must be this broker.
                if (name.Length == 0)
                    continue;
                if (name != Broker.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    result.SetInt16("ErrorCode", (short)ErrorCode.InvalidRequest);
                    result.SetString("ErrorMessage", $"Unexpected broker id, expected {Broker.NodeId} or empty string, but received {name}");
                    continue;
                }

                entries = BrokerConfigs.Describe(Broker.Settings, resource.GetArray<string>("ConfigurationKeys"));
                AddEntries(result, entries, request.ApiVersion);
                continue;
            }

            if (type != ConfigResource.Topic)
            {
                result.SetInt16("ErrorCode", (short)ErrorCode.InvalidRequest);
                result.SetString("ErrorMessage", $"Unsupported resource type {type}");
                continue;
            }

            var topic = image.Topic(name);
            if (topic is null)
            {
                result.SetInt16("ErrorCode", (short)ErrorCode.UnknownTopicOrPartition);
                result.SetString("ErrorMessage", $"Topic '{name}' does not exist.");
                continue;
            }

            entries = topic.Config.Describe(Broker.Settings.Defaults, resource.GetArray<string>("ConfigurationKeys"));
            AddEntries(result, entries, request.ApiVersion);
        }

        return new ValueTask<KafkaResponse?>(new KafkaResponse(response));
    }

    private static void AddEntries(ProtocolStruct result, IReadOnlyList<ConfigEntry> entries, short version)
    {
        foreach (var entry in entries)
        {
            var config = result.AddStruct("Configs");
            config.SetString("Name", entry.Name);
            config.SetString("Value", entry.Value);
            config.SetBool("ReadOnly", entry.ReadOnly);
            if (version == 0)
                config.SetBool("IsDefault", entry.IsDefault);
            config.SetInt8("ConfigSource", (sbyte)entry.Source);
            config.SetBool("IsSensitive", entry.Sensitive);
            config.SetInt8("ConfigType", (sbyte)entry.Type);
        }
    }
}

/// <summary>Shared shape of AlterConfigs and IncrementalAlterConfigs: per topic resource, a new config set to commit.</summary>
public abstract class TopicConfigAlterHandler(KafkaServerContext context) : ApiHandler(context)
{
    /// <summary>The topic's new overrides from its current ones and the request's entries; throws InvalidConfigException.</summary>
    protected abstract TopicConfig Alter(TopicConfig current, List<ProtocolStruct> configs);

    protected abstract Protocol.Schema.MessageSchema ResponseSchema { get; }

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        bool validateOnly = request.Body.GetBool("ValidateOnly");
        var resources = request.Body.GetStructs("Resources")!;
        var results = new List<Task<ApiError>>();
        foreach (var resource in resources)
            results.Add(AlterOneAsync(resource, validateOnly, cancellationToken));
        await Task.WhenAll(results).ConfigureAwait(false);

        var response = ResponseSchema.Create();
        for (int i = 0; i < resources.Count; i++)
        {
            var entry = response.AddStruct("Responses");
            entry.SetInt8("ResourceType", resources[i].GetInt8("ResourceType"));
            entry.SetString("ResourceName", resources[i].GetString("ResourceName"));
            entry.SetInt16("ErrorCode", (short)results[i].Result.Code);
            entry.SetString("ErrorMessage", results[i].Result.Message);
        }

        return new KafkaResponse(response);
    }

    private async Task<ApiError> AlterOneAsync(ProtocolStruct resource, bool validateOnly, CancellationToken cancellationToken)
    {
        sbyte type = resource.GetInt8("ResourceType");
        string name = resource.GetString("ResourceName")!;
        if (type != ConfigResource.Topic)
            return new ApiError(ErrorCode.InvalidRequest, $"Only topic configs can be altered (resource type 2), not resource type {type}");
        var topic = Broker.Metadata.Current.Topic(name);
        if (topic is null)
            return new ApiError(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.");
        TopicConfig altered;
        try
        {
            altered = Alter(topic.Config, resource.GetStructs("Configs")!);
        }
        catch (InvalidConfigException e)
        {
            return new ApiError((ErrorCode)e.ErrorCode, e.Message);
        }

        var result = await AskAsync<AlterTopicConfigsResult>(Broker.Controller, new AlterTopicConfigs(name, altered, validateOnly), cancellationToken).ConfigureAwait(false);
        return result?.Error ?? ControllerTimedOut;
    }
}

/// <summary>AlterConfigs: the request's entries replace the topic's overrides as a whole (Kafka's legacy semantics).</summary>
public sealed class AlterConfigsHandler(KafkaServerContext context) : TopicConfigAlterHandler(context)
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;

    protected override Protocol.Schema.MessageSchema ResponseSchema => AlterConfigsMessages.Response;

    protected override TopicConfig Alter(TopicConfig current, List<ProtocolStruct> configs) =>
        TopicConfig.Create(configs.Select(c => new KeyValuePair<string, string?>(c.GetString("Name")!, c.GetString("Value"))));
}

/// <summary>IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on single configs, the rest untouched; all or nothing per topic.</summary>
public sealed class IncrementalAlterConfigsHandler(KafkaServerContext context) : TopicConfigAlterHandler(context)
{
    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;

    protected override Protocol.Schema.MessageSchema ResponseSchema => IncrementalAlterConfigsMessages.Response;

    protected override TopicConfig Alter(TopicConfig current, List<ProtocolStruct> configs) =>
        current.ApplyIncremental(configs.Select(c => (c.GetString("Name")!, (byte)c.GetInt8("ConfigOperation"), c.GetString("Value"))), Broker.Settings.Defaults);
}
