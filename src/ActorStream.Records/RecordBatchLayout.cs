namespace ActorStream.Records;

/// <summary>
/// Byte layout of a RecordBatch v2 header (big-endian), as Kafka's DefaultRecordBatch defines it.
/// Everything from <see cref="AttributesOffset"/> to the end of the batch is covered by the CRC;
/// base offset, length, partition leader epoch and magic are not, which is why the broker can assign
/// the first and last of those in place.
/// </summary>
public static class RecordBatchLayout
{
    public const int BaseOffsetOffset = 0;
    public const int LengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordsCountOffset = 57;
    public const int RecordsOffset = 61;

    /// <summary>Size of the fixed batch header; also the size of a batch with no records.</summary>
    public const int HeaderSize = RecordsOffset;

    /// <summary>Base offset and length: the bytes not counted by the length field.</summary>
    public const int LogOverhead = 12;

    /// <summary>Smallest legal value of the length field.</summary>
    public const int MinBatchLength = HeaderSize - LogOverhead;

    public const byte CurrentMagic = 2;

    public const int CompressionCodecMask = 0x07;
    public const int TimestampTypeMask = 0x08;
    public const int TransactionalMask = 0x10;
    public const int ControlMask = 0x20;
    public const int DeleteHorizonMask = 0x40;

    public const long NoTimestamp = -1;
    public const long NoProducerId = -1;
    public const short NoProducerEpoch = -1;
    public const int NoSequence = -1;
    public const int NoPartitionLeaderEpoch = -1;
}
