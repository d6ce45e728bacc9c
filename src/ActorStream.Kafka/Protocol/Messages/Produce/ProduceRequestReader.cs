using ActorStream.Kafka.Protocol.Codec;

namespace ActorStream.Kafka.Protocol.Messages.Produce;

/// <summary>
/// Typed, allocation-free view of a decoded Produce request for the broker's hot path. Field indices are resolved
/// once; each partition's records are a slice of the request frame (hand it to the log as is, no copy).
/// </summary>
public readonly struct ProduceRequestReader(ProtocolStruct body)
{
    private static readonly int TransactionalIdField = ProduceMessages.Request.Body.IndexOf("TransactionalId");
    private static readonly int AcksField = ProduceMessages.Request.Body.IndexOf("Acks");
    private static readonly int TimeoutField = ProduceMessages.Request.Body.IndexOf("TimeoutMs");
    private static readonly int TopicDataField = ProduceMessages.Request.Body.IndexOf("TopicData");
    private static readonly Schema.StructSchema TopicSchema = ProduceMessages.Request.Body["TopicData"].Struct!;
    private static readonly int TopicNameField = TopicSchema.IndexOf("Name");
    private static readonly int PartitionDataField = TopicSchema.IndexOf("PartitionData");
    private static readonly Schema.StructSchema PartitionSchema = TopicSchema["PartitionData"].Struct!;
    private static readonly int PartitionIndexField = PartitionSchema.IndexOf("Index");
    private static readonly int RecordsField = PartitionSchema.IndexOf("Records");

    public string? TransactionalId => body.GetString(TransactionalIdField);

    public short Acks => body.GetInt16(AcksField);

    public int TimeoutMs => body.GetInt32(TimeoutField);

    public int TopicCount => body.GetStructs(TopicDataField)!.Count;

    public string TopicName(int topic) => body.GetStructs(TopicDataField)![topic].GetString(TopicNameField)!;

    public int PartitionCount(int topic) => body.GetStructs(TopicDataField)![topic].GetStructs(PartitionDataField)!.Count;

    public int PartitionIndex(int topic, int partition) => Partition(topic, partition).GetInt32(PartitionIndexField);

    /// <summary>The RecordBatch bytes for one partition, a slice of the request frame; null if the client sent null.</summary>
    public ReadOnlyMemory<byte>? Records(int topic, int partition) => Partition(topic, partition).GetRecords(RecordsField);

    private ProtocolStruct Partition(int topic, int partition)
        => body.GetStructs(TopicDataField)![topic].GetStructs(PartitionDataField)![partition];
}
