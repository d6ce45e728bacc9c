namespace ActorStream.Broker.Controller;

// The controller's metadata log: each change is one of these events, persisted before it takes effect. Plain
// records of strings and numbers, so the journal stores them as JSON and an operator can read them with the dump tool.

/// <summary>The cluster came into being; its id identifies it to clients (Metadata's ClusterId).</summary>
public sealed record ClusterCreated(string ClusterId);

public sealed record TopicCreated(string Name, Guid TopicId, int Partitions, int ReplicationFactor, int[] Replicas, Dictionary<string, string> Configs);

/// <summary>The topic now has <see cref="Partitions"/> partitions in all (Kafka only ever adds).</summary>
public sealed record PartitionsCreated(string Name, Guid TopicId, int Partitions);

/// <summary>The topic's config overrides were replaced by <see cref="Configs"/>.</summary>
public sealed record TopicConfigsChanged(string Name, Guid TopicId, Dictionary<string, string> Configs);

public sealed record TopicDeleted(string Name, Guid TopicId);

/// <summary>Producer ids below <see cref="NextProducerId"/> are handed out; a restart never hands one out twice.</summary>
public sealed record ProducerIdBlockReserved(long NextProducerId);
