using ActorStream.Broker.Metadata;
using ActorStream.Broker.Topics;

namespace ActorStream.Broker.Controller;

/// <summary>Creates a topic. -1 partitions or replication factor means the broker default (num.partitions, default.replication.factor).</summary>
public sealed record CreateTopic(string Name, int NumPartitions, short ReplicationFactor, IReadOnlyDictionary<string, string?> Configs, bool ValidateOnly = false);

public sealed record TopicCreateResult(string Name, ApiError Error, TopicImage? Topic);

/// <summary>Deletes a topic by name, or by id when the name is null.</summary>
public sealed record DeleteTopic(string? Name, Guid TopicId = default);

public sealed record TopicDeleteResult(string? Name, Guid TopicId, ApiError Error);

/// <summary>Grows a topic to <see cref="TotalCount"/> partitions.</summary>
public sealed record CreatePartitions(string Name, int TotalCount, bool ValidateOnly = false);

public sealed record CreatePartitionsResult(string Name, ApiError Error);

/// <summary>Replaces a topic's config overrides (the Kafka layer computes the new set for AlterConfigs and IncrementalAlterConfigs).</summary>
public sealed record AlterTopicConfigs(string Name, TopicConfig Config, bool ValidateOnly = false);

public sealed record AlterTopicConfigsResult(string Name, ApiError Error);

/// <summary>Asks for a fresh producer id (InitProducerId of an idempotent producer).</summary>
public sealed record AllocateProducerId
{
    public static readonly AllocateProducerId Instance = new();
}

public sealed record ProducerIdAllocated(long ProducerId, short Epoch);

/// <summary>Answered with <see cref="ControllerReady"/> once the controller recovered and the replicas of every topic were started.</summary>
public sealed record AwaitControllerReady
{
    public static readonly AwaitControllerReady Instance = new();
}

public sealed record ControllerReady(MetadataImage Image);
