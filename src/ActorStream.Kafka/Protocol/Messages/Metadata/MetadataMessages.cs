using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.Metadata;

/// <summary>Metadata: brokers, topics and partition leaders, so a client knows where to send its requests.</summary>
public static class MetadataMessages
{
    // Flexible from v9. v0 treats an empty topic list as "all topics"; from v1 "all" is a null list.
    public static readonly MessageSchema Request = Message("MetadataRequest", ApiKey.Metadata, "0-12", flexible: "9+",
    [
        Structs("Topics", "MetadataRequestTopic", "0+",
        [
            // v10+ carries an id; only v12+ may actually look topics up by it (name null).
            Field("TopicId", Uuid, "10+", ignorable: true),
            Field("Name", Str, "0+", nullable: "10+"),
        ], nullable: "1+"),
        Field("AllowAutoTopicCreation", Bool, "4+", def: true),
        // Cluster operations moved to DescribeCluster after v10.
        Field("IncludeClusterAuthorizedOperations", Bool, "8-10"),
        Field("IncludeTopicAuthorizedOperations", Bool, "8+"),
    ]);

    public static readonly MessageSchema Response = Message("MetadataResponse", ApiKey.Metadata, "0-12", flexible: "9+",
    [
        Field("ThrottleTimeMs", I32, "3+", ignorable: true),
        Structs("Brokers", "MetadataResponseBroker", "0+",
        [
            Field("NodeId", I32, "0+"),
            Field("Host", Str, "0+"),
            Field("Port", I32, "0+"),
            Field("Rack", Str, "1+", nullable: "1+", def: Null, ignorable: true),
        ]),
        Field("ClusterId", Str, "2+", nullable: "2+", def: Null, ignorable: true),
        Field("ControllerId", I32, "1+", def: -1, ignorable: true),
        Structs("Topics", "MetadataResponseTopic", "0+",
        [
            Field("ErrorCode", I16, "0+"),
            // v12+: null for a topic asked for by an id we do not know.
            Field("Name", Str, "0+", nullable: "12+"),
            Field("TopicId", Uuid, "10+", ignorable: true),
            Field("IsInternal", Bool, "1+", def: false, ignorable: true),
            Structs("Partitions", "MetadataResponsePartition", "0+",
            [
                Field("ErrorCode", I16, "0+"),
                Field("PartitionIndex", I32, "0+"),
                Field("LeaderId", I32, "0+"),
                Field("LeaderEpoch", I32, "7+", def: -1, ignorable: true),
                Field("ReplicaNodes", ArrayOf(I32), "0+"),
                Field("IsrNodes", ArrayOf(I32), "0+"),
                Field("OfflineReplicas", ArrayOf(I32), "5+", ignorable: true),
            ]),
            Field("TopicAuthorizedOperations", I32, "8+", def: int.MinValue),
        ]),
        Field("ClusterAuthorizedOperations", I32, "8-10", def: int.MinValue),
    ]);
}
