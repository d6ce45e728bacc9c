using ActorStream.Broker.Topics;

namespace ActorStream.Broker.Replication;

/// <summary>From a topic's config overrides to what its replicas enforce.</summary>
internal static class TopicPolicies
{
    /// <summary>Validates client-supplied overrides (CreateTopics); throws <see cref="InvalidConfigException"/>.</summary>
    public static TopicConfig FromOverrides(IReadOnlyDictionary<string, string?> configs) => TopicConfig.Create(configs);

    /// <summary>Overrides as the metadata log stored them (validated when they were committed).</summary>
    public static TopicConfig FromStored(IReadOnlyDictionary<string, string> configs) => new(configs);

    public static ReplicaPolicy ReplicaPolicy(TopicConfig config, BrokerDefaults defaults)
    {
        var effective = config.Resolve(defaults);
        return new ReplicaPolicy(effective.ToLogConfig(), effective.MaxMessageBytes, effective.TimestampType, effective.MinInsyncReplicas);
    }
}
