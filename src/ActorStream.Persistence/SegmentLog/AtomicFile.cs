namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// Replaces a small file so that a crash leaves the old content or the new, never a mix: written to a temp file,
/// fsynced, renamed over the old one, and the directory fsynced so the rename itself is durable (and with it any
/// file created in the directory before). Checkpoints and partition metadata are written this way.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string content)
    {
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
