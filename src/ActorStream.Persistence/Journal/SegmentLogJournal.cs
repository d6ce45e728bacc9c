using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorStream.Persistence;

/// <summary>
/// A persistent actor's event that is itself one Kafka RecordBatch v2 (a partition replica's event). It is
/// stored byte for byte and covers as many sequence numbers as the batch has offsets.
/// </summary>
public sealed record RecordBatchEvent(ReadOnlyMemory<byte> Batch) : ISequenceRange
{
    public int SequenceCount => new RecordBatch(Batch.Span).LastOffsetDelta + 1;
}

/// <summary>
/// The journal on the segment log: one <see cref="Log"/> directory per persistence id, with offset =
/// sequence number - 1. A <see cref="RecordBatchEvent"/> is stored as the batch itself; any other event
/// is serialized into one record (key: its type, value: JSON), and the events of one atomic write share
/// one batch, so a crash keeps all of them or none (a batch is CRC-checked whole). A marker file fixes
/// each log's kind, so a Kafka record can never be mistaken for an event. Every file on disk is therefore
/// a Kafka segment that the log dump reads.
/// </summary>
public sealed class SegmentLogJournal : IAsyncJournal, IAsyncDisposable
{
    private const string KindFile = "journal.kind";
    private const string DeletedToFile = "journal.deleted-to";
    private const string BatchesKind = "batches";
    private const string EventsKind = "events";
    private const int ReadChunkBytes = 1024 * 1024;

    private readonly string _root;
    private readonly LogConfig _config;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<Entry>> _logs = new(StringComparer.Ordinal);

    // Operations on one persistence id run one at a time, in arrival order, as in Akka's journal actor: a replay
    // by a restarted incarnation then sees every write its predecessor issued, and a delete follows the writes
    // before it. An async gate, so no thread is blocked while waiting.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    private sealed record Entry(Log Log, string Kind)
    {
        public long DeletedTo { get; set; }
    }

    public SegmentLogJournal(string root, LogConfig? config = null, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        _root = root;
        _config = config ?? LogConfig.Default;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(root);
    }

    /// <summary>The directory of a persistence id's log (the id, with characters unsafe in file names escaped).</summary>
    public string DirectoryOf(string persistenceId) => Path.Combine(_root, EscapeId(persistenceId));

    public async Task<IReadOnlyList<Exception?>> WriteMessagesAsync(IReadOnlyList<AtomicWrite> writes)
    {
        var results = new Exception?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            using var turn = await Turn(write.PersistenceId);
            byte[] batches;
            string kind;
            try
            {
                (batches, kind) = Encode(write);
            }
            catch (Exception e) when (e is JournalRejectedException or NotSupportedException or JsonException or ArgumentException or InvalidOperationException)
            {
                results[i] = e as JournalRejectedException ?? new JournalRejectedException($"Cannot serialize an event of {write.PersistenceId}: {e.Message}", e);
                continue;
            }

            var entry = Open(write.PersistenceId, kind);
            if (entry.Kind != kind)
            {
                results[i] = new JournalRejectedException(
                    $"The log of {write.PersistenceId} holds {entry.Kind}; it cannot also hold {kind}.");
                continue;
            }

            // A failure here (I/O, offsets behind the log end) faults the task: the writer must stop.
            await entry.Log.AppendAsFollowerAsync(batches);
        }

        return results;
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed)
    {
        using var turn = await Turn(persistenceId);
        if (max <= 0 || fromSequenceNr > toSequenceNr || Existing(persistenceId) is not { } entry)
        {
            return;
        }

        var log = entry.Log;
        var from = Math.Max(fromSequenceNr, entry.DeletedTo + 1);
        var offset = Math.Max(from - 1, log.LogStartOffset);
        long replayed = 0;
        while (offset < log.LogEndOffset && replayed < max)
        {
            using var read = await log.ReadAsync(offset, ReadChunkBytes);
            var scanner = new RecordBatchScanner(read.Records.Span);
            var next = offset;
            while (scanner.MoveNext() && replayed < max)
            {
                var batch = scanner.Current;
                next = batch.NextOffset;
                if (batch.LastOffset + 1 < from)
                {
                    continue;
                }

                if (batch.BaseOffset + 1 > toSequenceNr)
                {
                    return;
                }

                if (entry.Kind == BatchesKind)
                {
                    onReplayed(new PersistentRepr(persistenceId, batch.BaseOffset + 1, new RecordBatchEvent(batch.Span.ToArray()), batch.LastOffsetDelta + 1, batch.MaxTimestamp));
                    replayed++;
                    continue;
                }

                foreach (var record in batch.GetRecords())
                {
                    var seq = record.Offset + 1;
                    if (seq < from || replayed >= max)
                    {
                        continue;
                    }

                    if (seq > toSequenceNr)
                    {
                        return;
                    }

                    onReplayed(new PersistentRepr(persistenceId, seq, Deserialize(record.Key, record.Value, persistenceId, seq), 1, record.Timestamp));
                    replayed++;
                }
            }

            scanner.ThrowIfError();
            if (next == offset)
            {
                return;
            }

            offset = next;
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr)
    {
        using var turn = await Turn(persistenceId);
        return Existing(persistenceId) is { } entry ? Math.Max(entry.Log.LogEndOffset, entry.DeletedTo) : 0L;
    }

    /// <summary>Records a deleted-to watermark (durably) below which nothing is replayed again.</summary>
    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr)
    {
        using var turn = await Turn(persistenceId);
        if (Existing(persistenceId) is not { } entry)
        {
            return;
        }

        var to = Math.Min(toSequenceNr, entry.Log.LogEndOffset);
        if (to <= entry.DeletedTo)
        {
            return;
        }

        AtomicFile.WriteAllText(Path.Combine(DirectoryOf(persistenceId), DeletedToFile), to.ToString(System.Globalization.CultureInfo.InvariantCulture));
        entry.DeletedTo = to;
    }

    private async Task<Releaser> Turn(string persistenceId)
    {
        var gate = _gates.GetOrAdd(persistenceId, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        return new Releaser(gate);
    }

    private readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    private Entry? Existing(string persistenceId)
    {
        if (_logs.TryGetValue(persistenceId, out var lazy))
        {
            return lazy.Value;
        }

        return File.Exists(Path.Combine(DirectoryOf(persistenceId), KindFile)) ? Open(persistenceId, null) : null;
    }

    private Entry Open(string persistenceId, string? kindForNewLog) =>
        _logs.GetOrAdd(persistenceId, id => new Lazy<Entry>(() =>
        {
            var dir = DirectoryOf(id);
            Directory.CreateDirectory(dir);
            var kindPath = Path.Combine(dir, KindFile);
            if (!File.Exists(kindPath))
            {
                File.WriteAllText(kindPath, kindForNewLog ?? EventsKind);
            }

            var log = Log.Open(dir, _config, _loggers.CreateLogger("ActorStream.Persistence.SegmentLog"), _time);
            var deletedPath = Path.Combine(dir, DeletedToFile);
            var deletedTo = File.Exists(deletedPath) ? long.Parse(File.ReadAllText(deletedPath), System.Globalization.CultureInfo.InvariantCulture) : 0;
            return new Entry(log, File.ReadAllText(kindPath).Trim()) { DeletedTo = deletedTo };
        })).Value;

    private (byte[] Batches, string Kind) Encode(AtomicWrite write)
    {
        if (write.Events.All(e => e.Payload is RecordBatchEvent))
        {
            using var buffer = new MemoryStream();
            foreach (var e in write.Events)
            {
                var bytes = ((RecordBatchEvent)e.Payload).Batch.ToArray();
                var view = new RecordBatch(bytes);
                if (view.LastOffsetDelta + 1 != e.Count)
                {
                    throw new JournalRejectedException($"Batch covers {view.LastOffsetDelta + 1} offsets but the event claims {e.Count}.");
                }

                RecordBatch.SetBaseOffset(bytes, e.SequenceNr - 1);
                buffer.Write(bytes);
            }

            return (buffer.ToArray(), BatchesKind);
        }

        if (write.Events.Any(e => e.Payload is RecordBatchEvent || e.Count != 1))
        {
            throw new JournalRejectedException("An atomic write mixes record batches with other events, or an event other than a record batch covers more than one sequence number.");
        }

        using var builder = new RecordBatchBuilder(new RecordBatchOptions { BaseOffset = write.LowestSequenceNr - 1 });
        foreach (var e in write.Events)
        {
            var type = e.Payload.GetType();
            var manifest = Encoding.UTF8.GetBytes($"{type.FullName}, {type.Assembly.GetName().Name}");
            var value = JsonSerializer.SerializeToUtf8Bytes(e.Payload, type);
            builder.AppendWithOffset(e.SequenceNr - 1, e.Timestamp, manifest, value);
        }

        return (builder.ToArray(), EventsKind);
    }

    private static object Deserialize(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, string persistenceId, long seq)
    {
        var manifest = Encoding.UTF8.GetString(key);
        var type = Type.GetType(manifest) ?? throw new InvalidOperationException(
            $"Event {seq} of {persistenceId} has type [{manifest}], which is not loaded in this process.");
        return JsonSerializer.Deserialize(value, type) ?? throw new InvalidOperationException($"Event {seq} of {persistenceId} is null.");
    }

    /// <summary>Keeps letters, digits, '-', '_' and '.'; escapes anything else as %XX of its UTF-8 bytes.</summary>
    internal static string EscapeId(string id)
    {
        var sb = new StringBuilder(id.Length);
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && sb.Length > 0))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _logs.Values)
        {
            if (lazy.IsValueCreated)
            {
                await lazy.Value.Log.DisposeAsync();
            }
        }

        _logs.Clear();
    }
}
