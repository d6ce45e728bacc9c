namespace ActorStream.Records;

/// <summary>
/// The bytes are not a well-formed RecordBatch v2. <see cref="Position"/> is the byte position of the problem
/// relative to the start of the buffer that was handed to the reader (the batch start for a single batch,
/// the segment start for the scanner), or -1 when it is not known.
/// </summary>
public class CorruptRecordException : Exception
{
    public CorruptRecordException()
    {
    }

    public CorruptRecordException(string message)
        : base(message)
    {
    }

    public CorruptRecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CorruptRecordException(string reason, long position, Exception? innerException = null)
        : base(position >= 0 ? $"Corrupt record batch at position {position}: {reason}" : $"Corrupt record batch: {reason}", innerException)
    {
        Reason = reason;
        Position = position;
    }

    public string Reason { get; } = "";

    public long Position { get; } = -1;
}

/// <summary>
/// The batch is compressed with a codec this build cannot decompress. The batch itself is fine: its header can
/// be read and its bytes stored or forwarded unchanged; only decoding its records is impossible.
/// </summary>
public class UnsupportedCompressionException : NotSupportedException
{
    public UnsupportedCompressionException()
    {
    }

    public UnsupportedCompressionException(string message)
        : base(message)
    {
    }

    public UnsupportedCompressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnsupportedCompressionException(CompressionType codec)
        : base($"Cannot decode records compressed with {codec} ({(int)codec}): no {codec} codec in this build. "
            + "The batch can still be stored and forwarded unchanged.")
    {
        Codec = codec;
    }

    public CompressionType Codec { get; }
}
