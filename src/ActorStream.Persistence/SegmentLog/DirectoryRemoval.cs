namespace ActorStream.Persistence.SegmentLog;

/// <summary>
/// Removes a log's directory the way Kafka does: renamed out of the way first (one atomic step, made durable), then
/// deleted. A recursive delete that fails or is cut short by a crash part way would leave some files under the old
/// name, where a new log of that name would find them; renamed first, it leaves a <c>*.deleting</c> directory,
/// which <see cref="DeleteLeftovers"/> removes at the next start.
/// </summary>
public static class DirectoryRemoval
{
    /// <summary>Ends the name of a directory on its way out; never a valid log directory name.</summary>
    public const string Suffix = ".deleting";

    /// <summary>Removes <paramref name="directory"/> if it exists.</summary>
    /// <exception cref="IOException">The rename or the delete failed; after a failed delete only the renamed directory is left.</exception>
    public static void Delete(string directory)
    {
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        if (!System.IO.Directory.Exists(full))
            return;
        var doomed = $"{full}.{Guid.NewGuid():N}{Suffix}";
        System.IO.Directory.Move(full, doomed);
        DirectorySync.Flush(Path.GetDirectoryName(full)!);
        System.IO.Directory.Delete(doomed, recursive: true);
    }

    /// <summary>Deletes the <c>*.deleting</c> directories under <paramref name="parent"/>; returns their names.</summary>
    public static IReadOnlyList<string> DeleteLeftovers(string parent)
    {
        if (!System.IO.Directory.Exists(parent))
            return [];
        var removed = new List<string>();
        foreach (var leftover in System.IO.Directory.EnumerateDirectories(parent, "*" + Suffix).ToList())
        {
            System.IO.Directory.Delete(leftover, recursive: true);
            removed.Add(Path.GetFileName(leftover));
        }

        return removed;
    }
}
