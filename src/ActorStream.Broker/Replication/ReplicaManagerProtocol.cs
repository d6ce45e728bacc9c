using ActorStream.Broker.Metadata;

namespace ActorStream.Broker.Replication;

/// <summary>
/// A committed metadata image to act on: start replicas of partitions this broker leads, apply changed configs, stop
/// and delete replicas of deleted topics. Answered with <see cref="MetadataApplied"/> once done (deletions included).
/// </summary>
public sealed record ApplyMetadata(MetadataImage Image);

/// <summary>Every replica change of the image with this version (and earlier ones) is done: files of deleted topics are gone.</summary>
public sealed record MetadataApplied(long Version);

/// <summary>Graceful shutdown: every replica finishes its writes, snapshots producer state, flushes and closes its log.</summary>
public sealed record StopAllReplicas
{
    public static readonly StopAllReplicas Instance = new();
}

/// <summary>Every replica has closed its log.</summary>
public sealed record AllReplicasStopped(int Count);
