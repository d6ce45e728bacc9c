using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Persistence;

/// <summary>
/// Snapshots on disk, one file per snapshot: <c>&lt;root&gt;/&lt;escaped id&gt;/snapshot-&lt;seq&gt;-&lt;timestamp&gt;.log</c>,
/// holding one RecordBatch with one record (key: the snapshot's type, value: JSON), so the log dump reads it
/// like every other file. Written to a temporary file, fsynced, then renamed, so a crash leaves either the
/// whole snapshot or none; a file that fails its CRC check is skipped on load in favour of an older one.
/// </summary>
public sealed class FileSnapshotStore(string root) : ISnapshotStore
{
    private const string Prefix = "snapshot-";
    private const string Suffix = ".log";

    public async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        foreach (var (metadata, path) in List(persistenceId).Where(s => criteria.Matches(s.Metadata)).OrderByDescending(s => s.Metadata.SequenceNr))
        {
            var bytes = await File.ReadAllBytesAsync(path);
            if (TryDecode(bytes, out var snapshot))
            {
                return new SelectedSnapshot(metadata, snapshot);
            }
        }

        return null;
    }

    public async Task SaveAsync(SnapshotMetadata metadata, object snapshot)
    {
        var dir = Path.Combine(root, SegmentLogJournal.EscapeId(metadata.PersistenceId));
        Directory.CreateDirectory(dir);
        var type = snapshot.GetType();
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { BaseOffset = metadata.SequenceNr });
        builder.Append(metadata.Timestamp, Encoding.UTF8.GetBytes($"{type.FullName}, {type.Assembly.GetName().Name}"), JsonSerializer.SerializeToUtf8Bytes(snapshot, type));
        var path = Path.Combine(dir, FormattableString.Invariant($"{Prefix}{metadata.SequenceNr:D20}-{metadata.Timestamp}{Suffix}"));
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(builder.Build());
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(dir); // the rename too: recovery must find the snapshot a crash happened after
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        foreach (var (_, path) in List(persistenceId).Where(s => criteria.Matches(s.Metadata)))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    private IEnumerable<(SnapshotMetadata Metadata, string Path)> List(string persistenceId)
    {
        var dir = Path.Combine(root, SegmentLogJournal.EscapeId(persistenceId));
        if (!Directory.Exists(dir))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(dir, Prefix + "*" + Suffix))
        {
            var parts = Path.GetFileNameWithoutExtension(path)[Prefix.Length..].Split('-');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            {
                yield return (new SnapshotMetadata(persistenceId, seq, timestamp), path);
            }
        }
    }

    private static bool TryDecode(byte[] bytes, out object snapshot)
    {
        snapshot = null!;
        var scan = RecordBatchScanner.Scan(bytes);
        if (!scan.IsComplete || scan.BatchCount != 1)
        {
            return false;
        }

        var batch = new RecordBatch(bytes);
        foreach (var record in batch.GetRecords())
        {
            var type = Type.GetType(Encoding.UTF8.GetString(record.Key));
            if (type is null)
            {
                return false;
            }

            snapshot = JsonSerializer.Deserialize(record.Value, type)!;
            return snapshot is not null;
        }

        return false;
    }
}
