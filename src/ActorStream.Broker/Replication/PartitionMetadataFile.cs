using System.Globalization;
using ActorStream.Persistence.SegmentLog;

namespace ActorStream.Broker.Replication;

/// <summary>
/// <c>partition.metadata</c> in a partition's directory, as Kafka keeps it: the id of the topic whose files these
/// are (Kafka writes the id in its base64 form; we write the GUID). The directory name alone cannot tell a deleted
/// topic's files that survived (a removal that failed, a crash in the middle of one) from those of a topic created
/// under the same name since; the id can, so a new topic never serves a deleted one's records.
/// </summary>
internal static class PartitionMetadataFile
{
    public const string FileName = "partition.metadata";

    /// <summary>The topic id written in <paramref name="directory"/>, or null when there is no file (a directory
    /// from before the file existed, or a new one).</summary>
    /// <exception cref="IOException">The file exists but does not hold a topic id.</exception>
    public static Guid? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("topic_id:", StringComparison.Ordinal)
                && Guid.TryParse(line.AsSpan("topic_id:".Length).Trim(), CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }

        throw new IOException($"{path} holds no topic id (expected a line 'topic_id: <id>'); remove it if the directory belongs to the topic");
    }

    /// <summary>Writes the file atomically, so a crash leaves the old one or the new one.</summary>
    public static void Write(string directory, Guid topicId) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), string.Create(CultureInfo.InvariantCulture, $"version: 0\ntopic_id: {topicId:D}\n"));
}
