using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Protocol.Messages.Fetch;

/// <summary>
/// Builds a Fetch response for the broker's hot path. Records are attached by reference (a slice of the log's
/// memory); <see cref="KafkaFrames.WriteResponse"/> with a <see cref="ProtocolWriter"/> then emits them as separate
/// segments, so a large read goes from the log to the socket without being copied into the response buffer.
/// </summary>
public sealed class FetchResponseBuilder
{
    private static readonly Schema.StructSchema Body = FetchMessages.Response.Body;
    private static readonly int ThrottleField = Body.IndexOf("ThrottleTimeMs");
    private static readonly int ErrorCodeField = Body.IndexOf("ErrorCode");
    private static readonly int SessionIdField = Body.IndexOf("SessionId");
    private static readonly int ResponsesField = Body.IndexOf("Responses");
    private static readonly Schema.StructSchema TopicSchema = Body["Responses"].Struct!;
    private static readonly int TopicNameField = TopicSchema.IndexOf("Topic");
    private static readonly int TopicIdField = TopicSchema.IndexOf("TopicId");
    private static readonly int PartitionsField = TopicSchema.IndexOf("Partitions");
    private static readonly Schema.StructSchema PartitionSchema = TopicSchema["Partitions"].Struct!;
    private static readonly int PartitionIndexField = PartitionSchema.IndexOf("PartitionIndex");
    private static readonly int PartitionErrorField = PartitionSchema.IndexOf("ErrorCode");
    private static readonly int HighWatermarkField = PartitionSchema.IndexOf("HighWatermark");
    private static readonly int LastStableOffsetField = PartitionSchema.IndexOf("LastStableOffset");
    private static readonly int LogStartOffsetField = PartitionSchema.IndexOf("LogStartOffset");
    private static readonly int RecordsField = PartitionSchema.IndexOf("Records");

    public FetchResponseBuilder(int throttleTimeMs = 0, short errorCode = 0, int sessionId = 0)
    {
        Response = FetchMessages.Response.Create();
        Response.SetInt32(ThrottleField, throttleTimeMs);
        Response.SetInt16(ErrorCodeField, errorCode);
        Response.SetInt32(SessionIdField, sessionId);
    }

    /// <summary>The body being built; encode with <see cref="KafkaFrames.WriteResponse"/>.</summary>
    public ProtocolStruct Response { get; }

    /// <summary>Starts a topic (by name for v0-v12, by id from v13; set both and the version picks).</summary>
    public ProtocolStruct AddTopic(string name, Guid topicId = default)
    {
        var topic = Response.AddStruct(ResponsesField);
        topic.SetString(TopicNameField, name);
        topic.SetUuid(TopicIdField, topicId);
        return topic;
    }

    public ProtocolStruct AddPartition(
        ProtocolStruct topic,
        int partitionIndex,
        short errorCode,
        long highWatermark,
        long lastStableOffset,
        long logStartOffset,
        ReadOnlyMemory<byte>? records)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var partition = topic.AddStruct(PartitionsField);
        partition.SetInt32(PartitionIndexField, partitionIndex);
        partition.SetInt16(PartitionErrorField, errorCode);
        partition.SetInt64(HighWatermarkField, highWatermark);
        partition.SetInt64(LastStableOffsetField, lastStableOffset);
        partition.SetInt64(LogStartOffsetField, logStartOffset);
        partition.SetRecords(RecordsField, records);
        return partition;
    }
}
