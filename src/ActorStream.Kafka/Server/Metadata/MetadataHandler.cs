using ActorStream.Broker;
using ActorStream.Broker.Controller;
using ActorStream.Broker.Metadata;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Metadata;

namespace ActorStream.Kafka.Server.Metadata;

/// <summary>
/// Metadata: brokers, the controller, and each asked-for topic's partitions with leader, epoch, replicas and ISR, all
/// from the broker's metadata image. An unknown topic is created first when auto.create.topics.enable is on and the
/// client allows it (Kafka's behaviour), so the answer already names its leader.
/// </summary>
public sealed class MetadataHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.Metadata;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var asked = body.GetStructs("Topics");
        // v0 asks for every topic with an empty list, later versions with a null one.
        bool all = asked is null || (asked.Count == 0 && request.ApiVersion == 0);
        bool allowAutoCreate = request.ApiVersion < 4 || body.GetBool("AllowAutoTopicCreation");

        var image = Broker.Metadata.Current;
        if (!all && allowAutoCreate && Broker.Settings.Defaults.AutoCreateTopicsEnable)
            image = await AutoCreateAsync(image, asked!, cancellationToken).ConfigureAwait(false);

        var response = MetadataMessages.Response.Create();
        foreach (var broker in Context.Brokers(image))
        {
            var entry = response.AddStruct("Brokers");
            entry.SetInt32("NodeId", broker.NodeId);
            entry.SetString("Host", broker.Host);
            entry.SetInt32("Port", broker.Port);
            entry.SetString("Rack", broker.Rack);
        }

        response.SetString("ClusterId", image.ClusterId);
        response.SetInt32("ControllerId", image.ControllerId);
        if (all)
        {
            foreach (var topic in image.Topics.Values)
                AddTopic(response, topic);
        }
        else
        {
            foreach (var wanted in asked!)
                AddAsked(response, image, wanted);
        }

        return new KafkaResponse(response);
    }

    private async Task<MetadataImage> AutoCreateAsync(MetadataImage image, List<ProtocolStruct> asked, CancellationToken cancellationToken)
    {
        var missing = asked
            .Select(t => t.GetString("Name"))
            .Where(name => name is not null && image.Topic(name) is null && ControllerActor.ValidateTopicName(name) is null)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (missing.Count == 0)
            return image;
        var creations = missing.Select(name => AskAsync<TopicCreateResult>(Broker.Controller,
            new CreateTopic(name!, -1, -1, new Dictionary<string, string?>()), cancellationToken));
        await Task.WhenAll(creations).ConfigureAwait(false);
        return Broker.Metadata.Current;
    }

    private static void AddAsked(ProtocolStruct response, MetadataImage image, ProtocolStruct wanted)
    {
        string? name = wanted.GetString("Name");
        var topic = name is not null ? image.Topic(name) : image.TopicById(wanted.GetUuid("TopicId"));
        if (topic is not null)
        {
            AddTopic(response, topic);
            return;
        }

        var entry = response.AddStruct("Topics");
        entry.SetString("Name", name);
        entry.SetUuid("TopicId", name is null ? wanted.GetUuid("TopicId") : Guid.Empty);
        var error = name is null ? ErrorCode.UnknownTopicId
            : ControllerActor.ValidateTopicName(name) is not null ? ErrorCode.InvalidTopicException
            : ErrorCode.UnknownTopicOrPartition;
        entry.SetInt16("ErrorCode", (short)error);
    }

    private static void AddTopic(ProtocolStruct response, TopicImage topic)
    {
        var entry = response.AddStruct("Topics");
        entry.SetInt16("ErrorCode", 0);
        entry.SetString("Name", topic.Name);
        entry.SetUuid("TopicId", topic.TopicId);
        entry.SetBool("IsInternal", topic.IsInternal);
        foreach (var partition in topic.Partitions)
        {
            var p = entry.AddStruct("Partitions");
            p.SetInt16("ErrorCode", 0);
            p.SetInt32("PartitionIndex", partition.Index);
            p.SetInt32("LeaderId", partition.Leader);
            p.SetInt32("LeaderEpoch", partition.LeaderEpoch);
            p.SetArray("ReplicaNodes", partition.Replicas.ToArray());
            p.SetArray("IsrNodes", partition.Isr.ToArray());
            p.SetArray("OfflineReplicas", Array.Empty<int>());
        }
    }
}
