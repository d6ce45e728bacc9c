using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace ActorStream.Persistence.SegmentLog;

/// <summary>The two sparse indexes of a segment, in Kafka's file layouts.</summary>
internal enum IndexKind
{
    /// <summary><c>.index</c>: 4-byte offset relative to the segment base, 4-byte file position.</summary>
    Offset,

    /// <summary><c>.timeindex</c>: 8-byte timestamp, 4-byte relative offset.</summary>
    Time,
}

/// <summary>
/// A sparse, append-only index of a segment: keys strictly increase, and so do values for the offset index.
/// Entries live in memory (readers binary-search them without locks) and are appended to the file by the
/// single writer. Invariant: a reader that sees <see cref="Count"/> entries sees all of them fully written,
/// because the count is published after the arrays.
/// </summary>
internal sealed class SparseIndex : IDisposable
{
    private readonly long _baseOffset;
    private readonly int _maxEntries;
    private long[] _keys;
    private long[] _values;
    private int _count;
    private int _written;
    private SafeFileHandle? _file;

    private SparseIndex(IndexKind kind, string path, long baseOffset, int maxIndexSize, SafeFileHandle file)
    {
        Kind = kind;
        Path = path;
        _baseOffset = baseOffset;
        _maxEntries = Math.Max(1, maxIndexSize / EntrySizeOf(kind));
        _keys = new long[16];
        _values = new long[16];
        _file = file;
    }

    public IndexKind Kind { get; }

    public string Path { get; }

    public int EntrySize => EntrySizeOf(Kind);

    public int Count => Volatile.Read(ref _count);

    public bool IsFull => Count >= _maxEntries;

    public long LastKey => Count == 0 ? -1 : _keys[Count - 1];

    public long LastValue => Count == 0 ? -1 : _values[Count - 1];

    public static int EntrySizeOf(IndexKind kind) => kind == IndexKind.Offset ? 8 : 12;

    /// <summary>Opens (creating if needed) an empty index, truncating whatever the file held.</summary>
    public static SparseIndex CreateEmpty(IndexKind kind, string path, long baseOffset, int maxIndexSize)
    {
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new SparseIndex(kind, path, baseOffset, maxIndexSize, file);
    }

    /// <summary>
    /// Loads an index file and sanity-checks it against the segment (Kafka's sanityCheck): whole entries,
    /// increasing keys and values, positions inside the log. Returns null when the file is missing or fails.
    /// </summary>
    public static SparseIndex? TryLoad(IndexKind kind, string path, long baseOffset, int maxIndexSize, long logSize, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            problem = "missing";
            return null;
        }

        var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var index = new SparseIndex(kind, path, baseOffset, maxIndexSize, file);
        try
        {
            long length = RandomAccess.GetLength(file);
            int entrySize = EntrySizeOf(kind);
            if (length % entrySize != 0)
            {
                problem = $"length {length} is not a multiple of the entry size {entrySize}";
                index.Dispose();
                return null;
            }

            byte[] bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                int read = 0;
                while (read < length)
                {
                    int n = RandomAccess.Read(file, bytes.AsSpan(read, (int)length - read), read);
                    if (n == 0)
                        break;
                    read += n;
                }

                for (int p = 0; p + entrySize <= read; p += entrySize)
                {
                    var entry = bytes.AsSpan(p, entrySize);
                    long key;
                    long value;
                    if (kind == IndexKind.Offset)
                    {
                        key = baseOffset + BinaryPrimitives.ReadInt32BigEndian(entry);
                        value = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
                    }
                    else
                    {
                        key = BinaryPrimitives.ReadInt64BigEndian(entry);
                        value = baseOffset + BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
                    }

                    if (index._count > 0 && key <= index.LastKey)
                        problem = $"entry {p / entrySize} key {key} does not increase";
                    else if (index._count > 0 && (kind == IndexKind.Offset ? value <= index.LastValue : value < index.LastValue))
                        problem = $"entry {p / entrySize} value {value} does not increase";
                    else if (kind == IndexKind.Offset && (key < baseOffset || value < 0 || value >= logSize))
                        problem = $"entry {p / entrySize} ({key} -> {value}) lies outside the segment of {logSize} bytes";
                    else if (kind == IndexKind.Time && value < baseOffset)
                        problem = $"entry {p / entrySize} offset {value} is below the segment base {baseOffset}";
                    if (problem is not null)
                    {
                        index.Dispose();
                        return null;
                    }

                    index.AppendInMemory(key, value);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            index._written = index._count;
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    public long KeyAt(int i) => _keys[i];

    public long ValueAt(int i) => _values[i];

    /// <summary>Adds an entry (writer only). Keys must increase; for the time index Kafka's maybeAppend rule applies.</summary>
    public void AppendInMemory(long key, long value)
    {
        int count = _count;
        if (count > 0 && key <= _keys[count - 1])
            return;
        if (count == _keys.Length)
        {
            // Grow by copy and publish the new arrays before the count so readers never index past an array.
            var keys = new long[count * 2];
            var values = new long[count * 2];
            Array.Copy(_keys, keys, count);
            Array.Copy(_values, values, count);
            Volatile.Write(ref _keys, keys);
            Volatile.Write(ref _values, values);
        }

        _keys[count] = key;
        _values[count] = value;
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>
    /// Value of the largest entry whose key is at most <paramref name="target"/> (or strictly below it when
    /// <paramref name="strict"/>), or -1 when there is none.
    /// </summary>
    public long Lookup(long target, bool strict = false)
    {
        int count = Volatile.Read(ref _count);
        var keys = Volatile.Read(ref _keys);
        var values = Volatile.Read(ref _values);
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long key = keys[mid];
            if (strict ? key < target : key <= target)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? -1 : values[found];
    }

    /// <summary>Drops entries from <paramref name="firstDropped"/> on, in memory and in the file.</summary>
    public void TruncateEntries(int firstDropped)
    {
        if (firstDropped >= _count)
            return;
        Volatile.Write(ref _count, firstDropped);
        _written = Math.Min(_written, firstDropped);
        if (_file is not null)
            RandomAccess.SetLength(_file, (long)firstDropped * EntrySize);
    }

    /// <summary>Drops every entry whose value (offset index) or key is at or past the given bound.</summary>
    public void TruncateWhere(Func<long, long, bool> dropFrom)
    {
        for (int i = 0; i < _count; i++)
        {
            if (dropFrom(_keys[i], _values[i]))
            {
                TruncateEntries(i);
                return;
            }
        }
    }

    /// <summary>Writes the entries added since the last call to the file (writer only).</summary>
    public async ValueTask WritePendingAsync(CancellationToken cancellationToken = default)
    {
        int count = _count;
        if (_file is null || _written >= count)
            return;
        int entrySize = EntrySize;
        int bytes = (count - _written) * entrySize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            Encode(buffer, _written, count);
            await RandomAccess.WriteAsync(_file, buffer.AsMemory(0, bytes), (long)_written * entrySize, cancellationToken).ConfigureAwait(false);
            _written = count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Synchronous form of <see cref="WritePendingAsync"/> for recovery and the cleaner.</summary>
    public void WritePending()
    {
        int count = _count;
        if (_file is null || _written >= count)
            return;
        int entrySize = EntrySize;
        int bytes = (count - _written) * entrySize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            Encode(buffer, _written, count);
            RandomAccess.Write(_file, buffer.AsSpan(0, bytes), (long)_written * entrySize);
            _written = count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Flush()
    {
        if (_file is not null)
            RandomAccess.FlushToDisk(_file);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void Encode(byte[] buffer, int from, int to)
    {
        int entrySize = EntrySize;
        for (int i = from; i < to; i++)
        {
            var entry = buffer.AsSpan((i - from) * entrySize, entrySize);
            if (Kind == IndexKind.Offset)
            {
                BinaryPrimitives.WriteInt32BigEndian(entry, checked((int)(_keys[i] - _baseOffset)));
                BinaryPrimitives.WriteInt32BigEndian(entry[4..], checked((int)_values[i]));
            }
            else
            {
                BinaryPrimitives.WriteInt64BigEndian(entry, _keys[i]);
                BinaryPrimitives.WriteInt32BigEndian(entry[8..], checked((int)(_values[i] - _baseOffset)));
            }
        }
    }
}
