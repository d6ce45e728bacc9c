using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Messages.DescribeCluster;

namespace ActorStream.Kafka.Server.DescribeCluster;

/// <summary>DescribeCluster (the admin client's view of the cluster): its id, the controller and the brokers.</summary>
public sealed class DescribeClusterHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    public override ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var image = Broker.Metadata.Current;
        var response = DescribeClusterMessages.Response.Create();
        response.SetString("ClusterId", image.ClusterId);
        response.SetInt32("ControllerId", image.ControllerId);
        foreach (var broker in Context.Brokers(image))
        {
            var entry = response.AddStruct("Brokers");
            entry.SetInt32("BrokerId", broker.NodeId);
            entry.SetString("Host", broker.Host);
            entry.SetInt32("Port", broker.Port);
            entry.SetString("Rack", broker.Rack);
        }

        return new ValueTask<KafkaResponse?>(new KafkaResponse(response));
    }
}
