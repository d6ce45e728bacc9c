using ActorStream.Broker.Controller;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Messages.CreatePartitions;
using ActorStream.Kafka.Protocol.Messages.CreateTopics;
using ActorStream.Kafka.Protocol.Messages.DeleteTopics;

namespace ActorStream.Kafka.Server.Admin;

/// <summary>
/// CreateTopics: each topic goes to the controller, which validates name, counts and configs, persists the topic and
/// answers once its partitions' replicas are up. From v5 the answer carries the resulting partitions, replication
/// factor and every config with its source, as Kafka's does.
/// </summary>
public sealed class CreateTopicsHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.CreateTopics;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        bool validateOnly = request.ApiVersion >= 1 && body.GetBool("ValidateOnly");
        var topics = body.GetStructs("Topics")!;
        var asks = topics.Select(topic =>
        {
            var configs = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var config in topic.GetStructs("Configs")!)
                configs[config.GetString("Name")!] = config.GetString("Value");
            var assignments = topic.GetStructs("Assignments")!;
            int partitions = topic.GetInt32("NumPartitions");
            short replication = topic.GetInt16("ReplicationFactor");
            if (assignments.Count > 0)
            {
                // A manual assignment fixes the counts; placement itself comes with the cluster (one broker now).
                partitions = assignments.Count;
                replication = (short)assignments[0].GetArray<int>("BrokerIds")!.Length;
            }

            return AskAsync<TopicCreateResult>(Broker.Controller, new CreateTopic(topic.GetString("Name")!, partitions, replication, configs, validateOnly), cancellationToken);
        }).ToList();
        await Task.WhenAll(asks).ConfigureAwait(false);

        var response = CreateTopicsMessages.Response.Create();
        for (int i = 0; i < topics.Count; i++)
        {
            string name = topics[i].GetString("Name")!;
            var result = asks[i].Result ?? new TopicCreateResult(name, ControllerTimedOut, null);
            var entry = response.AddStruct("Topics");
            entry.SetString("Name", name);
            entry.SetInt16("ErrorCode", (short)result.Error.Code);
            entry.SetString("ErrorMessage", result.Error.Message);
            var topic = result.Topic ?? (result.Error.IsError ? null : Broker.Metadata.Current.Topic(name));
            if (topic is null || request.ApiVersion < 5)
                continue;
            entry.SetUuid("TopicId", topic.TopicId);
            entry.SetInt32("NumPartitions", topic.Partitions.Length);
            entry.SetInt16("ReplicationFactor", (short)topic.Partitions[0].Replicas.Length);
            foreach (var config in topic.Config.Describe(Broker.Settings.Defaults))
            {
                var c = entry.AddStruct("Configs");
                c.SetString("Name", config.Name);
                c.SetString("Value", config.Value);
                c.SetBool("ReadOnly", config.ReadOnly);
                c.SetInt8("ConfigSource", (sbyte)config.Source);
                c.SetBool("IsSensitive", config.Sensitive);
            }
        }

        return new KafkaResponse(response);
    }
}

/// <summary>
/// DeleteTopics (by name, or by id from v6): answered once the topic is gone from the metadata and its partitions'
/// files are deleted, never "marked for deletion".
/// </summary>
public sealed class DeleteTopicsHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        List<DeleteTopic> deletes = request.ApiVersion >= 6
            ? [.. body.GetStructs("Topics")!.Select(t => new DeleteTopic(t.GetString("Name"), t.GetUuid("TopicId")))]
            : [.. body.GetArray<string>("TopicNames")!.Select(n => new DeleteTopic(n))];
        var asks = deletes.Select(d => AskAsync<TopicDeleteResult>(Broker.Controller, d, cancellationToken)).ToList();
        await Task.WhenAll(asks).ConfigureAwait(false);

        var response = DeleteTopicsMessages.Response.Create();
        for (int i = 0; i < deletes.Count; i++)
        {
            var result = asks[i].Result ?? new TopicDeleteResult(deletes[i].Name, deletes[i].TopicId, ControllerTimedOut);
            var entry = response.AddStruct("Responses");
            entry.SetString("Name", result.Name ?? deletes[i].Name);
            entry.SetUuid("TopicId", result.TopicId);
            entry.SetInt16("ErrorCode", (short)result.Error.Code);
            entry.SetString("ErrorMessage", result.Error.Message);
        }

        return new KafkaResponse(response);
    }
}

/// <summary>CreatePartitions: grows topics to a new partition count (Kafka never shrinks one).</summary>
public sealed class CreatePartitionsHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        bool validateOnly = body.GetBool("ValidateOnly");
        var topics = body.GetStructs("Topics")!;
        var asks = topics.Select(t => AskAsync<CreatePartitionsResult>(Broker.Controller,
            new CreatePartitions(t.GetString("Name")!, t.GetInt32("Count"), validateOnly), cancellationToken)).ToList();
        await Task.WhenAll(asks).ConfigureAwait(false);

        var response = CreatePartitionsMessages.Response.Create();
        for (int i = 0; i < topics.Count; i++)
        {
            string name = topics[i].GetString("Name")!;
            var error = asks[i].Result?.Error ?? ControllerTimedOut;
            var entry = response.AddStruct("Results");
            entry.SetString("Name", name);
            entry.SetInt16("ErrorCode", (short)error.Code);
            entry.SetString("ErrorMessage", error.Message);
        }

        return new KafkaResponse(response);
    }
}
