using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.DescribeCluster;

/// <summary>DescribeCluster: cluster id, controller and broker list for admin clients (KIP-700).</summary>
public static class DescribeClusterMessages
{
    // Flexible from the start.
    public static readonly MessageSchema Request = Message("DescribeClusterRequest", ApiKey.DescribeCluster, "0-1", flexible: "0+",
    [
        Field("IncludeClusterAuthorizedOperations", Bool, "0+"),
        // v1+: which listeners to describe, 1 = brokers, 2 = controllers.
        Field("EndpointType", I8, "1+", def: 1),
    ]);

    public static readonly MessageSchema Response = Message("DescribeClusterResponse", ApiKey.DescribeCluster, "0-1", flexible: "0+",
    [
        Field("ThrottleTimeMs", I32, "0+"),
        Field("ErrorCode", I16, "0+"),
        Field("ErrorMessage", Str, "0+", nullable: "0+", def: Null),
        Field("EndpointType", I8, "1+", def: 1),
        Field("ClusterId", Str, "0+"),
        Field("ControllerId", I32, "0+", def: -1),
        Structs("Brokers", "DescribeClusterBroker", "0+",
        [
            Field("BrokerId", I32, "0+"),
            Field("Host", Str, "0+"),
            Field("Port", I32, "0+"),
            Field("Rack", Str, "0+", nullable: "0+", def: Null),
        ]),
        Field("ClusterAuthorizedOperations", I32, "0+", def: int.MinValue),
    ]);
}
