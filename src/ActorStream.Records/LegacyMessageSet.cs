using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace ActorStream.Records;

/// <summary>
/// Converts Kafka's legacy message format (a MessageSet of magic 0 or magic 1 messages, as Produce v0-v2 carry
/// it) into one RecordBatch v2, so that old clients can produce.
/// </summary>
/// <remarks>
/// <para>
/// A message set is a sequence of <c>[offset int64][message size int32][message]</c>; a message is
/// <c>[crc uint32][magic int8][attributes int8][timestamp int64, magic 1 only][key int32-length bytes]
/// [value int32-length bytes]</c>, lengths of -1 meaning null. The CRC is CRC-32 IEEE (<see cref="Crc32Ieee"/>)
/// over magic to the end of the message. Attribute bits 0-2 are the codec, bit 3 (magic 1) the timestamp type.
/// A message with a codec is a wrapper whose value is a compressed inner message set.
/// </para>
/// <para>
/// Conversion rules: producer-sent offsets are ignored (the log assigns offsets); the batch gets relative offsets
/// 0..n-1, base offset 0, no producer id, no headers. Keys, values (null vs empty preserved) and timestamps are
/// kept; magic 0 messages get <c>noTimestampValue</c>. Inner messages of a LogAppendTime wrapper take the wrapper's
/// timestamp. The batch is CreateTime unless the source says LogAppendTime (then the batch is LogAppendTime with
/// the largest such timestamp); a mix of both cannot be one v2 batch and is rejected. The batch is compressed with
/// the codec of the first compressed wrapper in the source (gzip, snappy or lz4), uncompressed when there is none.
/// Magic-0 lz4 wrappers carry Kafka's old, wrong frame header checksum (KAFKA-3160) and are read anyway. Without the
/// system's liblz4, lz4 wrappers raise <see cref="UnsupportedCompressionException"/>.
/// </para>
/// <para>
/// Every malformed input raises <see cref="CorruptRecordException"/> with the byte position (relative to the start
/// of the message set; inside a compressed wrapper, the wrapper message's position with the decompressed position
/// in the reason). Decompressed data is bounded by <c>maxDecompressedBytes</c> in total.
/// </para>
/// </remarks>
public static class LegacyMessageSet
{
    /// <summary>Default bound on the total bytes inflated from compressed wrappers of one message set.</summary>
    public const int DefaultMaxDecompressedBytes = 64 * 1024 * 1024;

    private const int EntryOverhead = 12; // offset int64 + message size int32
    private const int CrcOffset = 0;
    private const int MagicOffset = 4;
    private const int AttributesOffset = 5;
    private const int TimestampOffset = 6;
    private const int MinMessageSizeV0 = 14; // crc + magic + attributes + key length + value length
    private const int MinMessageSizeV1 = 22; // ... + timestamp
    private const int CodecMask = 0x07;
    private const int TimestampTypeMask = 0x08;

    /// <summary>
    /// True when the magic byte position (16, shared by legacy messages and v2 batches) holds 0 or 1: the bytes
    /// are a legacy message set, not a RecordBatch v2. Does not validate anything else.
    /// </summary>
    public static bool LooksLegacy(ReadOnlySpan<byte> records)
        => records.Length > EntryOverhead + MagicOffset && records[EntryOverhead + MagicOffset] <= 1;

    /// <summary>Converts a legacy message set into one RecordBatch v2 (see the type remarks for the rules).</summary>
    /// <param name="messageSet">The message set bytes, e.g. the records field of a Produce v0-v2 partition.</param>
    /// <param name="noTimestampValue">Timestamp given to magic 0 messages: -1 (none) or e.g. the broker's time.</param>
    /// <param name="maxDecompressedBytes">Bound on the total bytes inflated from compressed wrappers.</param>
    /// <returns>The bytes of one v2 batch with base offset 0.</returns>
    /// <exception cref="CorruptRecordException">The message set is malformed.</exception>
    /// <exception cref="UnsupportedCompressionException">A wrapper uses lz4 and this machine has no liblz4.</exception>
    public static byte[] ConvertToRecordBatch(
        ReadOnlySpan<byte> messageSet,
        long noTimestampValue = RecordBatchLayout.NoTimestamp,
        int maxDecompressedBytes = DefaultMaxDecompressedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(noTimestampValue, RecordBatchLayout.NoTimestamp);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedBytes);
        if (messageSet.IsEmpty)
            throw new CorruptRecordException("empty message set: no messages to convert", 0);

        var options = new RecordBatchOptions
        {
            Compression = FirstWrapperCodec(messageSet),
        };
        using var builder = new RecordBatchBuilder(options, Math.Min(messageSet.Length + RecordBatchLayout.HeaderSize, 1 << 20));
        var state = new State(builder, noTimestampValue, maxDecompressedBytes);
        ReadMessageSet(messageSet, wrapper: null, ref state);

        if (state.SawCreateTime && state.SawLogAppendTime)
            throw new CorruptRecordException("the message set mixes CreateTime and LogAppendTime messages, which one v2 batch cannot hold", 0);

        byte[] batch = builder.ToArray();
        if (state.SawLogAppendTime)
            RecordBatch.SetLogAppendTime(batch, state.MaxLogAppendTime);
        return batch;
    }

    private static void ReadMessageSet(ReadOnlySpan<byte> set, Wrapper? wrapper, ref State state)
    {
        int position = 0;
        int count = 0;
        while (position < set.Length)
        {
            int left = set.Length - position;
            if (left < EntryOverhead)
                throw Corrupt(wrapper, position, $"truncated entry: {left} bytes left, the offset and size fields need {EntryOverhead}");

            int size = BinaryPrimitives.ReadInt32BigEndian(set[(position + 8)..]);
            if (size < MinMessageSizeV0)
                throw Corrupt(wrapper, position + 8, $"message size {size} is below the minimum {MinMessageSizeV0}");
            if (size > left - EntryOverhead)
                throw Corrupt(wrapper, position + 8, $"message size {size} runs past the end of the message set ({left - EntryOverhead} bytes left)");

            int messagePosition = position + EntryOverhead;
            ReadMessage(set.Slice(messagePosition, size), messagePosition, wrapper, ref state);
            position = messagePosition + size;
            count++;
        }

        if (count == 0 && wrapper is not null)
            throw Corrupt(wrapper, 0, "the compressed message holds no messages");
    }

    private static void ReadMessage(ReadOnlySpan<byte> message, int position, Wrapper? wrapper, ref State state)
    {
        uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(message[CrcOffset..]);
        uint computedCrc = Crc32Ieee.Compute(message[MagicOffset..]);
        if (storedCrc != computedCrc)
            throw Corrupt(wrapper, position + CrcOffset, $"message CRC mismatch: stored 0x{storedCrc:X8}, computed 0x{computedCrc:X8}");

        byte magic = message[MagicOffset];
        if (magic > 1)
            throw Corrupt(wrapper, position + MagicOffset, $"message magic {magic} is not a legacy format (0 or 1)");
        if (wrapper is not null && magic != wrapper.Magic)
            throw Corrupt(wrapper, position + MagicOffset, $"inner message magic {magic} differs from the wrapper's magic {wrapper.Magic}");
        if (magic == 1 && message.Length < MinMessageSizeV1)
            throw Corrupt(wrapper, position, $"magic 1 message size {message.Length} is below the minimum {MinMessageSizeV1}");

        byte attributes = message[AttributesOffset];
        int p = AttributesOffset + 1;
        long timestamp = state.NoTimestampValue;
        bool logAppendTime = false;
        if (magic == 1)
        {
            timestamp = BinaryPrimitives.ReadInt64BigEndian(message[p..]);
            if (timestamp < RecordBatchLayout.NoTimestamp)
                throw Corrupt(wrapper, position + p, $"invalid timestamp {timestamp}");
            logAppendTime = (attributes & TimestampTypeMask) != 0;
            p += 8;
        }

        var key = ReadBytes(message, ref p, position, wrapper, "key");
        var value = ReadBytes(message, ref p, position, wrapper, "value");
        if (p != message.Length)
            throw Corrupt(wrapper, position + p, $"{message.Length - p} unexpected bytes after the value");

        var codec = (CompressionType)(attributes & CodecMask);
        if (codec == CompressionType.None)
        {
            if (wrapper is not null)
            {
                // A CreateTime wrapper's inner messages keep their own timestamps (and type); a LogAppendTime
                // wrapper stamps its own time on all of them.
                logAppendTime = wrapper.LogAppendTime;
                if (logAppendTime)
                    timestamp = wrapper.Timestamp;
            }

            if (logAppendTime)
            {
                if (timestamp < 0)
                    throw Corrupt(wrapper, position + TimestampOffset, "LogAppendTime message without a timestamp");
                state.SawLogAppendTime = true;
                state.MaxLogAppendTime = Math.Max(state.MaxLogAppendTime, timestamp);
            }
            else
            {
                state.SawCreateTime = true;
            }

            state.Builder.Append(timestamp, key.Bytes, value.Bytes);
            return;
        }

        if (wrapper is not null)
            throw Corrupt(wrapper, position + AttributesOffset, $"nested compressed message ({codec}) inside a compressed message");
        if ((int)codec > (int)CompressionType.Zstd)
            throw Corrupt(null, position + AttributesOffset, $"unknown compression codec id {(int)codec}");
        if (codec == CompressionType.Zstd)
            throw Corrupt(null, position + AttributesOffset, $"zstd compression is not valid with message magic {magic}");
        if (!RecordCompression.CanDecompress(codec))
            throw new UnsupportedCompressionException(codec);
        if (value.IsNull)
            throw Corrupt(null, position, "compressed message has a null value");
        if (value.Bytes.Length == 0)
            throw Corrupt(null, position, "compressed message has an empty value");

        var inner = new Wrapper(position, magic, magic == 1 ? timestamp : RecordBatchLayout.NoTimestamp, logAppendTime, codec);
        byte[] inflated = Inflate(value.Bytes.Span, inner, ref state, out int length);
        try
        {
            ReadMessageSet(inflated.AsSpan(0, length), inner, ref state);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inflated);
        }
    }

    private readonly ref struct Field(ReadOnlySpan<byte> bytes, bool isNull)
    {
        public NullableBytes Bytes { get; } = isNull ? NullableBytes.Null : new NullableBytes(bytes);

        public bool IsNull { get; } = isNull;
    }

    private static Field ReadBytes(ReadOnlySpan<byte> message, ref int p, int position, Wrapper? wrapper, string name)
    {
        if (message.Length - p < 4)
            throw Corrupt(wrapper, position + p, $"message ends before the {name} length ({message.Length - p} bytes left)");
        int length = BinaryPrimitives.ReadInt32BigEndian(message[p..]);
        if (length < -1)
            throw Corrupt(wrapper, position + p, $"invalid {name} length {length}");
        p += 4;
        if (length == -1)
            return new Field(default, isNull: true);
        if (length > message.Length - p)
            throw Corrupt(wrapper, position + p - 4, $"{name} length {length} runs past the end of the message ({message.Length - p} bytes left)");
        var bytes = message.Slice(p, length);
        p += length;
        return new Field(bytes, isNull: false);
    }

    /// <summary>Inflates a wrapper value into a pooled array the caller returns; bounded by the budget.</summary>
    private static byte[] Inflate(ReadOnlySpan<byte> compressed, Wrapper wrapper, ref State state, out int length)
    {
        if (wrapper.Codec == CompressionType.Gzip)
            return Gunzip(compressed, wrapper, ref state, out length);
        int budget = state.DecompressBudget;
        try
        {
            byte[]? fixedFrame = wrapper.Codec == CompressionType.Lz4 && wrapper.Magic == 0 ? Compression.Lz4.FixLegacyHeaderChecksum(compressed) : null;
            using var records = RecordCompression.Decompress(wrapper.Codec, fixedFrame ?? compressed, budget == int.MaxValue ? budget : budget + 1);
            if (records.Span.Length > budget)
                throw new CorruptRecordException($"compressed message inflates beyond the limit of {state.MaxDecompressedBytes} decompressed bytes", wrapper.Position);
            length = records.Span.Length;
            byte[] array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            records.Span.CopyTo(array);
            state.DecompressBudget -= length;
            return array;
        }
        catch (CorruptRecordException e) when (e.Position != wrapper.Position)
        {
            string reason = e.Message.Contains("limit", StringComparison.Ordinal)
                ? $"compressed message inflates beyond the limit of {state.MaxDecompressedBytes} decompressed bytes"
                : $"{wrapper.Codec} data of the compressed message is corrupt: {e.Message}";
            throw new CorruptRecordException(reason, wrapper.Position, e);
        }
    }

    private static unsafe byte[] Gunzip(ReadOnlySpan<byte> compressed, Wrapper wrapper, ref State state, out int length)
    {
        int budget = state.DecompressBudget;
        int capacity = (int)Math.Min(Math.Max(4096L, compressed.Length * 4L), Math.Min((long)budget + 1, Array.MaxLength));
        byte[] array = ArrayPool<byte>.Shared.Rent(capacity);
        length = 0;
        try
        {
            fixed (byte* pointer = compressed)
            {
                using var input = new UnmanagedMemoryStream(pointer, compressed.Length);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                while (true)
                {
                    if (length == array.Length)
                    {
                        if (length > budget)
                            break;
                        long grown = Math.Min(Math.Min((long)array.Length * 2, (long)budget + 1), Array.MaxLength);
                        if (grown <= array.Length)
                            break;
                        var bigger = ArrayPool<byte>.Shared.Rent((int)grown);
                        array.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(array);
                        array = bigger;
                    }

                    int read = gzip.Read(array, length, array.Length - length);
                    if (read == 0)
                        break;
                    length += read;
                    if (length > budget)
                        break;
                }
            }

            if (length > budget)
            {
                throw new CorruptRecordException(
                    $"compressed message inflates beyond the limit of {state.MaxDecompressedBytes} decompressed bytes", wrapper.Position);
            }

            state.DecompressBudget -= length;
            return array;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            ArrayPool<byte>.Shared.Return(array);
            throw new CorruptRecordException($"{wrapper.Codec} data of the compressed message is corrupt: {e.Message}", wrapper.Position, e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    /// <summary>The codec of the first compressed top-level message (None if none is); never throws (the real pass reports errors).</summary>
    private static CompressionType FirstWrapperCodec(ReadOnlySpan<byte> set)
    {
        int position = 0;
        while (set.Length - position >= EntryOverhead + MinMessageSizeV0)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(set[(position + 8)..]);
            if (size < MinMessageSizeV0 || size > set.Length - position - EntryOverhead)
                return CompressionType.None;
            var codec = (CompressionType)(set[position + EntryOverhead + AttributesOffset] & CodecMask);
            if (codec is CompressionType.Gzip or CompressionType.Snappy or CompressionType.Lz4)
                return RecordCompression.CanCompress(codec) ? codec : CompressionType.None;
            position += EntryOverhead + size;
        }

        return CompressionType.None;
    }

    private static CorruptRecordException Corrupt(Wrapper? wrapper, int position, string reason)
        => wrapper is null
            ? new CorruptRecordException(reason, position)
            : new CorruptRecordException($"inside the compressed message at {wrapper.Position}, at decompressed position {position}: {reason}", wrapper.Position);

    private sealed record Wrapper(int Position, byte Magic, long Timestamp, bool LogAppendTime, CompressionType Codec);

    private struct State(RecordBatchBuilder builder, long noTimestampValue, int maxDecompressedBytes)
    {
        public RecordBatchBuilder Builder { get; } = builder;

        public long NoTimestampValue { get; } = noTimestampValue;

        public int MaxDecompressedBytes { get; } = maxDecompressedBytes;

        public int DecompressBudget { get; set; } = maxDecompressedBytes;

        public bool SawCreateTime { get; set; }

        public bool SawLogAppendTime { get; set; }

        public long MaxLogAppendTime { get; set; } = RecordBatchLayout.NoTimestamp;
    }
}
