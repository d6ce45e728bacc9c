using ActorStream.Records;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>A read asked for an offset outside [log start, log end].</summary>
public class OffsetOutOfRangeException : Exception
{
    public OffsetOutOfRangeException()
    {
    }

    public OffsetOutOfRangeException(string message)
        : base(message)
    {
    }

    public OffsetOutOfRangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OffsetOutOfRangeException(long offset, long logStartOffset, long logEndOffset)
        : base($"Offset {offset} is out of range: the log holds offsets [{logStartOffset}, {logEndOffset}).")
    {
        Offset = offset;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
    }

    public long Offset { get; }

    public long LogStartOffset { get; }

    public long LogEndOffset { get; }
}

/// <summary>A batch stored in a segment file is corrupt. Names the file, the byte position and the offsets.</summary>
public class LogCorruptException : CorruptRecordException
{
    public LogCorruptException()
    {
    }

    public LogCorruptException(string message)
        : base(message)
    {
    }

    public LogCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LogCorruptException(string filePath, long filePosition, long offset, string reason)
        : base($"Corrupt batch in {filePath} at position {filePosition} (reading offset {offset}): {reason}")
    {
        FilePath = filePath;
        FilePosition = filePosition;
        Offset = offset;
    }

    public string FilePath { get; } = "";

    public long FilePosition { get; } = -1;

    /// <summary>The offset being read when the corruption was found.</summary>
    public long Offset { get; } = -1;
}

/// <summary>A batch is larger than <c>max.message.bytes</c>.</summary>
public class RecordBatchTooLargeException : Exception
{
    public RecordBatchTooLargeException()
    {
    }

    public RecordBatchTooLargeException(string message)
        : base(message)
    {
    }

    public RecordBatchTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A follower append whose offsets do not follow the log end offset.</summary>
public class InvalidOffsetException : Exception
{
    public InvalidOffsetException()
    {
    }

    public InvalidOffsetException(string message)
        : base(message)
    {
    }

    public InvalidOffsetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
