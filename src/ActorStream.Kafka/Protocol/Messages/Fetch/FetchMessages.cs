using ActorStream.Kafka.Protocol.Schema;
using static ActorStream.Kafka.Protocol.Schema.SchemaDsl;

namespace ActorStream.Kafka.Protocol.Messages.Fetch;

/// <summary>Fetch: consumers (and followers) read record batches from partition logs.</summary>
public static class FetchMessages
{
    // Flexible from v12. v7+ adds incremental fetch sessions; v13+ names topics by id instead of by name.
    public static readonly MessageSchema Request = Message("FetchRequest", ApiKey.Fetch, "0-17", flexible: "12+",
    [
        Field("ClusterId", Str, "12+", nullable: "12+", def: Null, ignorable: true, tag: 0, tagged: "12+"),
        // Up to v14 the follower id is in line; v15+ moves it into the tagged ReplicaState. Consumers send -1.
        Field("ReplicaId", I32, "0-14", def: -1),
        Struct("ReplicaState", "ReplicaState", "15+",
        [
            Field("ReplicaId", I32, "15+", def: -1),
            Field("ReplicaEpoch", I64, "15+", def: -1),
        ], tag: 1, tagged: "15+"),
        Field("MaxWaitMs", I32, "0+"),
        Field("MinBytes", I32, "0+"),
        Field("MaxBytes", I32, "3+", def: int.MaxValue, ignorable: true),
        // v4+: read_committed consumers (1) stop at the last stable offset.
        Field("IsolationLevel", I8, "4+", def: 0, ignorable: true),
        Field("SessionId", I32, "7+", def: 0, ignorable: true),
        Field("SessionEpoch", I32, "7+", def: -1, ignorable: true),
        Structs("Topics", "FetchTopic", "0+",
        [
            Field("Topic", Str, "0-12", ignorable: true),
            Field("TopicId", Uuid, "13+", ignorable: true),
            Structs("Partitions", "FetchPartition", "0+",
            [
                Field("Partition", I32, "0+"),
                Field("CurrentLeaderEpoch", I32, "9+", def: -1, ignorable: true),
                Field("FetchOffset", I64, "0+"),
                // v12+: lets the leader detect log divergence (KIP-595).
                Field("LastFetchedEpoch", I32, "12+", def: -1),
                Field("LogStartOffset", I64, "5+", def: -1, ignorable: true),
                Field("PartitionMaxBytes", I32, "0+"),
                Field("ReplicaDirectoryId", Uuid, "17+", ignorable: true, tag: 0, tagged: "17+"),
            ]),
        ]),
        // v7+: partitions a session client no longer wants.
        Structs("ForgottenTopicsData", "ForgottenTopic", "7+",
        [
            Field("Topic", Str, "7-12", ignorable: true),
            Field("TopicId", Uuid, "13+", ignorable: true),
            Field("Partitions", ArrayOf(I32), "7+"),
        ]),
        // v11+: lets us pick a follower in the client's rack (KIP-392).
        Field("RackId", Str, "11+", def: "", ignorable: true),
    ]);

    public static readonly MessageSchema Response = Message("FetchResponse", ApiKey.Fetch, "0-17", flexible: "12+",
    [
        Field("ThrottleTimeMs", I32, "1+", ignorable: true),
        Field("ErrorCode", I16, "7+", ignorable: true),
        Field("SessionId", I32, "7+", def: 0),
        Structs("Responses", "FetchableTopicResponse", "0+",
        [
            Field("Topic", Str, "0-12", ignorable: true),
            Field("TopicId", Uuid, "13+", ignorable: true),
            Structs("Partitions", "PartitionData", "0+",
            [
                Field("PartitionIndex", I32, "0+"),
                Field("ErrorCode", I16, "0+"),
                Field("HighWatermark", I64, "0+"),
                Field("LastStableOffset", I64, "4+", def: -1, ignorable: true),
                Field("LogStartOffset", I64, "5+", def: -1, ignorable: true),
                // v12+ tagged extras for KRaft-style replication and leader discovery.
                Struct("DivergingEpoch", "EpochEndOffset", "12+",
                [
                    Field("Epoch", I32, "12+", def: -1),
                    Field("EndOffset", I64, "12+", def: -1),
                ], tag: 0, tagged: "12+"),
                Struct("CurrentLeader", "LeaderIdAndEpoch", "12+",
                [
                    Field("LeaderId", I32, "12+", def: -1),
                    Field("LeaderEpoch", I32, "12+", def: -1),
                ], tag: 1, tagged: "12+"),
                Struct("SnapshotId", "SnapshotId", "12+",
                [
                    Field("EndOffset", I64, "0+", def: -1),
                    Field("Epoch", I32, "0+", def: -1),
                ], tag: 2, tagged: "12+"),
                Structs("AbortedTransactions", "AbortedTransaction", "4+",
                [
                    Field("ProducerId", I64, "4+"),
                    Field("FirstOffset", I64, "4+"),
                ], nullable: "4+", ignorable: true),
                Field("PreferredReadReplica", I32, "11+", def: -1),
                Field("Records", RecordSet, "0+", nullable: "0+"),
            ]),
        ]),
        // v16+: endpoints of leaders named in CurrentLeader.
        Structs("NodeEndpoints", "NodeEndpoint", "16+",
        [
            Field("NodeId", I32, "16+"),
            Field("Host", Str, "16+"),
            Field("Port", I32, "16+"),
            Field("Rack", Str, "16+", nullable: "16+", def: Null),
        ], tag: 0, tagged: "16+"),
    ]);
}
