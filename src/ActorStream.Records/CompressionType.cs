namespace ActorStream.Records;

/// <summary>Codec ids as stored in bits 0-2 of the batch attributes.</summary>
public enum CompressionType
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

/// <summary>Bit 3 of the batch attributes.</summary>
public enum TimestampType
{
    CreateTime = 0,
    LogAppendTime = 1,
}
