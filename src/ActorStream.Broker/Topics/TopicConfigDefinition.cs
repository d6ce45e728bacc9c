using System.Collections.Frozen;
using static ActorStream.Broker.Topics.ConfigValues;
using N = ActorStream.Broker.Topics.TopicConfigNames;

namespace ActorStream.Broker.Topics;

/// <summary>One supported topic config: how to check and normalize a value, its broker default, and where it lands.</summary>
internal sealed class TopicConfigDefinition
{
    public required string Name { get; init; }

    public required ConfigType Type { get; init; }

    /// <summary>Parses and range-checks a value and returns its canonical text; throws <see cref="InvalidConfigException"/>.</summary>
    public required Func<string, string> Normalize { get; init; }

    /// <summary>The broker default, rendered.</summary>
    public required Func<BrokerDefaults, string> RenderDefault { get; init; }

    /// <summary>Applies a normalized value to the effective settings.</summary>
    public required Func<EffectiveTopicConfig, string, EffectiveTopicConfig> Apply { get; init; }

    public bool IsList => Type == ConfigType.List;

    /// <summary>Every supported config, by name in ordinal order.</summary>
    public static IReadOnlyList<TopicConfigDefinition> All { get; } = Build();

    public static FrozenDictionary<string, TopicConfigDefinition> ByName { get; } =
        All.ToFrozenDictionary(definition => definition.Name, StringComparer.Ordinal);

    public static TopicConfigDefinition Get(string name) =>
        ByName.TryGetValue(name, out var definition) ? definition : throw InvalidConfigException.UnknownName(name);

    // Minimums are Kafka's, except two that our segment log needs tighter: retention.bytes (Kafka takes any long,
    // but below -1 means nothing) and segment.index.bytes (Kafka: 4; a time-index entry is 12 bytes).
    private static List<TopicConfigDefinition> Build() =>
    [
        new()
        {
            Name = N.CleanupPolicy,
            Type = ConfigType.List,
            Normalize = value => string.Join(',', ParsePolicyList(N.CleanupPolicy, value)),
            RenderDefault = defaults => Render(defaults.LogCleanupPolicy),
            Apply = (e, value) => e with { CleanupPolicy = ToPolicy(ParsePolicyList(N.CleanupPolicy, value)) },
        },
        new()
        {
            Name = N.CompressionType,
            Type = ConfigType.String,
            Normalize = value => Render(ParseCompressionType(N.CompressionType, value)),
            RenderDefault = defaults => Render(defaults.CompressionType),
            Apply = (e, value) => e with { Compression = ParseCompressionType(N.CompressionType, value, setting: false) },
        },
        Long(N.DeleteRetentionMs, 0, d => d.LogCleanerDeleteRetentionMs, (e, v) => e with { DeleteRetentionMs = v }),
        Long(N.FlushMessages, 1, d => d.LogFlushIntervalMessages, (e, v) => e with { FlushMessages = v }),
        Long(N.FlushMs, 0, d => d.LogFlushIntervalMs, (e, v) => e with { FlushMs = v }),
        Int(N.IndexIntervalBytes, 0, d => d.LogIndexIntervalBytes, (e, v) => e with { IndexIntervalBytes = v }),
        Long(N.MaxCompactionLagMs, 1, d => d.LogCleanerMaxCompactionLagMs, (e, v) => e with { MaxCompactionLagMs = v }),
        Int(N.MaxMessageBytes, 0, d => d.MessageMaxBytes, (e, v) => e with { MaxMessageBytes = v }),
        Long(N.MessageTimestampAfterMaxMs, 0, d => d.LogMessageTimestampAfterMaxMs, (e, v) => e with { TimestampAfterMaxMs = v }),
        Long(N.MessageTimestampBeforeMaxMs, 0, d => d.LogMessageTimestampBeforeMaxMs, (e, v) => e with { TimestampBeforeMaxMs = v }),
        new()
        {
            Name = N.MessageTimestampType,
            Type = ConfigType.String,
            Normalize = value => Render(ParseTimestampType(N.MessageTimestampType, value)),
            RenderDefault = defaults => Render(defaults.LogMessageTimestampType),
            Apply = (e, value) => e with { TimestampType = ParseTimestampType(N.MessageTimestampType, value) },
        },
        new()
        {
            Name = N.MinCleanableDirtyRatio,
            Type = ConfigType.Double,
            Normalize = value => Render(ParseRatio(N.MinCleanableDirtyRatio, value)),
            RenderDefault = defaults => Render(defaults.LogCleanerMinCleanableRatio),
            Apply = (e, value) => e with { MinCleanableDirtyRatio = ParseRatio(N.MinCleanableDirtyRatio, value) },
        },
        Long(N.MinCompactionLagMs, 0, d => d.LogCleanerMinCompactionLagMs, (e, v) => e with { MinCompactionLagMs = v }),
        Int(N.MinInsyncReplicas, 1, d => d.MinInsyncReplicas, (e, v) => e with { MinInsyncReplicas = v }),
        Long(N.RetentionBytes, -1, d => d.LogRetentionBytes, (e, v) => e with { RetentionBytes = v }),
        Long(N.RetentionMs, -1, d => d.LogRetentionMs, (e, v) => e with { RetentionMs = v }),
        Int(N.SegmentBytes, 14, d => d.LogSegmentBytes, (e, v) => e with { SegmentBytes = v }),
        Int(N.SegmentIndexBytes, 12, d => d.LogIndexSizeMaxBytes, (e, v) => e with { SegmentIndexBytes = v }),
        Long(N.SegmentMs, 1, d => d.LogRollMs, (e, v) => e with { SegmentMs = v }),
    ];

    private static TopicConfigDefinition Long(
        string name, long min, Func<BrokerDefaults, long> brokerDefault, Func<EffectiveTopicConfig, long, EffectiveTopicConfig> apply) => new()
        {
            Name = name,
            Type = ConfigType.Long,
            Normalize = value => Render(ParseLong(name, value, min)),
            RenderDefault = defaults => Render(brokerDefault(defaults)),
            Apply = (e, value) => apply(e, ParseLong(name, value, min)),
        };

    private static TopicConfigDefinition Int(
        string name, int min, Func<BrokerDefaults, int> brokerDefault, Func<EffectiveTopicConfig, int, EffectiveTopicConfig> apply) => new()
        {
            Name = name,
            Type = ConfigType.Int,
            Normalize = value => Render(ParseInt(name, value, min)),
            RenderDefault = defaults => Render(brokerDefault(defaults)),
            Apply = (e, value) => apply(e, ParseInt(name, value, min)),
        };
}
