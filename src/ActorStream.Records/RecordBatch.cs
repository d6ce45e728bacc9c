using System.Buffers.Binary;
using static ActorStream.Records.RecordBatchLayout;

namespace ActorStream.Records;

/// <summary>
/// A view of one RecordBatch v2 over its bytes. Header fields are read by offset on demand; records are not
/// decoded until <see cref="GetRecords"/> is called, and the CRC is not checked until <see cref="IsValid"/> or
/// <see cref="ValidateCrc"/> is asked for, so routing a batch (store it, forward it) costs nothing per record.
/// </summary>
public readonly ref struct RecordBatch
{
    private readonly ReadOnlySpan<byte> _bytes;

    /// <summary>
    /// Views the batch at the start of <paramref name="buffer"/>. Checks that the header is complete, the magic
    /// is 2 and the length field fits the buffer; bytes after the batch are ignored.
    /// </summary>
    /// <exception cref="CorruptRecordException">Short buffer, bad magic or length out of range.</exception>
    public RecordBatch(ReadOnlySpan<byte> buffer)
    {
        var error = Check(buffer, out int size, out int position, out string? reason);
        if (error != ScanError.None)
            throw new CorruptRecordException(reason!, position);
        _bytes = buffer[..size];
    }

    /// <summary>The batch's bytes, exactly <see cref="SizeInBytes"/> long.</summary>
    public ReadOnlySpan<byte> Span => _bytes;

    public long BaseOffset => BinaryPrimitives.ReadInt64BigEndian(_bytes[BaseOffsetOffset..]);

    /// <summary>The length field: bytes after the length field itself.</summary>
    public int BatchLength => BinaryPrimitives.ReadInt32BigEndian(_bytes[LengthOffset..]);

    public int SizeInBytes => _bytes.Length;

    public int PartitionLeaderEpoch => BinaryPrimitives.ReadInt32BigEndian(_bytes[PartitionLeaderEpochOffset..]);

    public byte Magic => _bytes[MagicOffset];

    public uint Crc => BinaryPrimitives.ReadUInt32BigEndian(_bytes[CrcOffset..]);

    public short Attributes => BinaryPrimitives.ReadInt16BigEndian(_bytes[AttributesOffset..]);

    public CompressionType Compression => (CompressionType)(Attributes & CompressionCodecMask);

    public TimestampType TimestampType => (Attributes & TimestampTypeMask) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Attributes & TransactionalMask) != 0;

    public bool IsControl => (Attributes & ControlMask) != 0;

    public bool HasDeleteHorizon => (Attributes & DeleteHorizonMask) != 0;

    public int LastOffsetDelta => BinaryPrimitives.ReadInt32BigEndian(_bytes[LastOffsetDeltaOffset..]);

    /// <summary>Timestamp of the first record (or the delete horizon when <see cref="HasDeleteHorizon"/>).</summary>
    public long BaseTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[BaseTimestampOffset..]);

    public long MaxTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[MaxTimestampOffset..]);

    /// <summary>The compaction delete horizon, or -1 when the batch carries none.</summary>
    public long DeleteHorizonMs => HasDeleteHorizon ? BaseTimestamp : NoTimestamp;

    public long ProducerId => BinaryPrimitives.ReadInt64BigEndian(_bytes[ProducerIdOffset..]);

    public short ProducerEpoch => BinaryPrimitives.ReadInt16BigEndian(_bytes[ProducerEpochOffset..]);

    public int BaseSequence => BinaryPrimitives.ReadInt32BigEndian(_bytes[BaseSequenceOffset..]);

    /// <summary>Sequence of the last record; sequences wrap from int.MaxValue to 0 as in Kafka.</summary>
    public int LastSequence => BaseSequence == NoSequence ? NoSequence : IncrementSequence(BaseSequence, LastOffsetDelta);

    public int RecordCount => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordsCountOffset..]);

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long NextOffset => LastOffset + 1;

    /// <summary>Record bytes after the header, compressed when <see cref="Compression"/> is not None.</summary>
    public ReadOnlySpan<byte> RecordsBytes => _bytes[RecordsOffset..];

    public uint ComputeCrc() => Crc32C.Compute(_bytes[AttributesOffset..]);

    public bool IsValid => Crc == ComputeCrc();

    /// <exception cref="CorruptRecordException">The stored CRC does not match the bytes.</exception>
    public void ValidateCrc()
    {
        uint stored = Crc;
        uint computed = ComputeCrc();
        if (stored != computed)
            throw new CorruptRecordException($"CRC mismatch: stored 0x{stored:X8}, computed 0x{computed:X8}", CrcOffset);
    }

    /// <summary>
    /// The most bytes a compressed batch's records may decompress to (256 MiB): far above any producer's batch, and it
    /// stops a tiny batch crafted to inflate to gigabytes (a bomb) with a <see cref="CorruptRecordException"/>.
    /// </summary>
    public const int MaxDecompressedBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Decodes the records. Uncompressed batches are read in place; compressed ones are decompressed once into a
    /// pooled buffer that the enumerator returns on Dispose (foreach does that).
    /// </summary>
    /// <exception cref="UnsupportedCompressionException">A codec whose system library this machine lacks (lz4, zstd).</exception>
    /// <exception cref="CorruptRecordException">Negative count, unknown codec, undecodable data or more than <see cref="MaxDecompressedBytes"/>.</exception>
    public RecordEnumerator GetRecords()
    {
        int count = RecordCount;
        if (count < 0)
            throw new CorruptRecordException($"negative record count {count}", RecordsCountOffset);

        var codec = Compression;
        if (codec == CompressionType.None)
            return new RecordEnumerator(this, RecordsBytes, RecordsOffset, owner: null);

        RecordCompression.ThrowIfUnsupported(codec);
        if (count == 0)
            return new RecordEnumerator(this, default, RecordsOffset, owner: null);

        var owner = RecordCompression.Decompress(codec, RecordsBytes, MaxDecompressedBytes);
        // Positions inside inflated data do not map to batch bytes; errors there point at the records start.
        return new RecordEnumerator(this, owner.Span, -1, owner);
    }

    public override string ToString()
        => $"RecordBatch(offsets=[{BaseOffset}, {LastOffset}], count={RecordCount}, size={SizeInBytes}, "
            + $"compression={Compression}, timestampType={TimestampType}, transactional={IsTransactional}, "
            + $"control={IsControl}, producerId={ProducerId}, epoch={ProducerEpoch}, baseSequence={BaseSequence}, crc=0x{Crc:X8})";

    /// <summary>Kafka's sequence arithmetic: sequences wrap to 0 after int.MaxValue.</summary>
    public static int IncrementSequence(int sequence, int increment)
        => sequence > int.MaxValue - increment ? increment - (int.MaxValue - sequence) - 1 : sequence + increment;

    /// <summary>Total size of the batch starting at <paramref name="buffer"/>, from its length field (not validated).</summary>
    public static int PeekSize(ReadOnlySpan<byte> buffer)
        => buffer.Length < LogOverhead ? -1 : LogOverhead + BinaryPrimitives.ReadInt32BigEndian(buffer[LengthOffset..]);

    // ---- In-place edits the broker makes to batches it accepts. ----

    /// <summary>Assigns the base offset. Outside the CRC range: the CRC stays valid.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset)
    {
        _ = new RecordBatch(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], baseOffset);
    }

    /// <summary>Assigns the base offset so that the last record gets <paramref name="lastOffset"/>.</summary>
    public static void SetLastOffset(Span<byte> batch, long lastOffset)
    {
        var view = new RecordBatch(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], lastOffset - view.LastOffsetDelta);
    }

    /// <summary>Assigns the leader epoch. Outside the CRC range: the CRC stays valid.</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int partitionLeaderEpoch)
    {
        _ = new RecordBatch(batch);
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], partitionLeaderEpoch);
    }

    /// <summary>
    /// Sets the timestamp type bit and max timestamp, then recomputes the CRC (both fields are inside it).
    /// Does nothing when both already have the requested values, as Kafka does.
    /// </summary>
    public static void SetMaxTimestamp(Span<byte> batch, TimestampType timestampType, long maxTimestamp)
    {
        var view = new RecordBatch(batch);
        if (view.TimestampType == timestampType && view.MaxTimestamp == maxTimestamp)
            return;

        int size = view.SizeInBytes;
        short attributes = view.Attributes;
        attributes = timestampType == TimestampType.LogAppendTime
            ? (short)(attributes | TimestampTypeMask)
            : (short)(attributes & ~TimestampTypeMask);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], Crc32C.Compute(batch[AttributesOffset..size]));
    }

    /// <summary>Stamps the batch with the broker's append time (LogAppendTime) and recomputes the CRC.</summary>
    public static void SetLogAppendTime(Span<byte> batch, long logAppendTime)
        => SetMaxTimestamp(batch, TimestampType.LogAppendTime, logAppendTime);

    /// <summary>Header checks shared by the view and the scanner; never throws.</summary>
    internal static ScanError Check(ReadOnlySpan<byte> buffer, out int size, out int errorPosition, out string? reason)
    {
        size = 0;
        if (buffer.Length < HeaderSize)
        {
            errorPosition = buffer.Length;
            reason = $"only {buffer.Length} bytes, fewer than the {HeaderSize}-byte batch header";
            return ScanError.TruncatedHeader;
        }

        byte magic = buffer[MagicOffset];
        if (magic != CurrentMagic)
        {
            errorPosition = MagicOffset;
            reason = $"bad magic {magic}, expected {CurrentMagic}";
            return ScanError.InvalidMagic;
        }

        int length = BinaryPrimitives.ReadInt32BigEndian(buffer[LengthOffset..]);
        if (length < MinBatchLength)
        {
            errorPosition = LengthOffset;
            reason = $"batch length {length} is below the minimum {MinBatchLength}";
            return ScanError.InvalidLength;
        }

        if (length > buffer.Length - LogOverhead)
        {
            errorPosition = buffer.Length;
            reason = $"batch length {length} runs past the end of the buffer ({buffer.Length - LogOverhead} bytes available)";
            return ScanError.TruncatedBatch;
        }

        size = length + LogOverhead;
        errorPosition = -1;
        reason = null;
        return ScanError.None;
    }
}
