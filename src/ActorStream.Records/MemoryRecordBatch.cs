namespace ActorStream.Records;

/// <summary>
/// A batch held as <see cref="ReadOnlyMemory{T}"/>, for storing in fields and queues where the span-based
/// <see cref="RecordBatch"/> cannot go. The header is checked once on construction; <see cref="View"/> is free.
/// </summary>
public readonly struct MemoryRecordBatch : IEquatable<MemoryRecordBatch>
{
    /// <exception cref="CorruptRecordException">Short buffer, bad magic or length out of range.</exception>
    public MemoryRecordBatch(ReadOnlyMemory<byte> buffer)
    {
        var view = new RecordBatch(buffer.Span);
        Memory = buffer[..view.SizeInBytes];
    }

    /// <summary>The batch's bytes, exactly <see cref="SizeInBytes"/> long.</summary>
    public ReadOnlyMemory<byte> Memory { get; }

    public RecordBatch View => new(Memory.Span);

    public int SizeInBytes => Memory.Length;

    public long BaseOffset => View.BaseOffset;

    public long LastOffset => View.LastOffset;

    public long NextOffset => View.NextOffset;

    public int RecordCount => View.RecordCount;

    public long MaxTimestamp => View.MaxTimestamp;

    public bool IsValid => View.IsValid;

    public bool Equals(MemoryRecordBatch other) => Memory.Span.SequenceEqual(other.Memory.Span);

    public override bool Equals(object? obj) => obj is MemoryRecordBatch other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Memory.Length, Memory.Length > 0 ? View.Crc : 0u);

    public static bool operator ==(MemoryRecordBatch left, MemoryRecordBatch right) => left.Equals(right);

    public static bool operator !=(MemoryRecordBatch left, MemoryRecordBatch right) => !left.Equals(right);

    public override string ToString() => Memory.IsEmpty ? "MemoryRecordBatch(empty)" : View.ToString();
}
