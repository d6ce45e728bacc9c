namespace ActorStream.Records;

/// <summary>
/// A key or value that may be null, which Kafka distinguishes from empty (length -1 vs 0).
/// Converts implicitly from a span (present, possibly empty) and from a byte array (null array = null).
/// </summary>
public readonly ref struct NullableBytes
{
    public NullableBytes(ReadOnlySpan<byte> bytes)
    {
        Span = bytes;
        HasValue = true;
    }

    public static NullableBytes Null => default;

    public ReadOnlySpan<byte> Span { get; }

    public bool HasValue { get; }

    public bool IsNull => !HasValue;

    public int Length => HasValue ? Span.Length : -1;

    public static implicit operator NullableBytes(ReadOnlySpan<byte> bytes) => new(bytes);

    public static implicit operator NullableBytes(byte[]? bytes) => bytes is null ? default : new(bytes);

    public static NullableBytes FromReadOnlySpan(ReadOnlySpan<byte> bytes) => new(bytes);

    public static NullableBytes FromArray(byte[]? bytes) => bytes;
}

/// <summary>A header to write. Keys are strings (written as UTF-8); values may be null.</summary>
public readonly struct RecordHeader : IEquatable<RecordHeader>
{
    public RecordHeader(string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Value = value;
        IsValueNull = value is null;
    }

    public RecordHeader(string key, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Value = value;
    }

    public string Key { get; }

    public ReadOnlyMemory<byte> Value { get; }

    public bool IsValueNull { get; }

    public bool Equals(RecordHeader other)
        => Key == other.Key && IsValueNull == other.IsValueNull && Value.Span.SequenceEqual(other.Value.Span);

    public override bool Equals(object? obj) => obj is RecordHeader other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Key, IsValueNull, Value.Length);

    public static bool operator ==(RecordHeader left, RecordHeader right) => left.Equals(right);

    public static bool operator !=(RecordHeader left, RecordHeader right) => !left.Equals(right);
}
