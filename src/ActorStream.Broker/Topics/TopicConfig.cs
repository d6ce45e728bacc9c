using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Topics;

/// <summary>
/// The config overrides of one topic (Kafka's topic-level configs), over the broker's <see cref="BrokerDefaults"/>.
/// Immutable, and always valid: every name is supported and every value is stored in canonical form (as Kafka
/// renders it), so two configs that mean the same are equal. Serializes with System.Text.Json as
/// <c>{"Overrides":{"retention.ms":"1000"}}</c>; reading one back validates it again.
/// </summary>
public sealed class TopicConfig : IEquatable<TopicConfig>
{
    private readonly ImmutableSortedDictionary<string, string> overrides;

    /// <summary>Validates and normalizes a set of overrides, e.g. read back from JSON.</summary>
    /// <exception cref="InvalidConfigException">A name is unknown or a value invalid.</exception>
    [JsonConstructor]
    public TopicConfig(IReadOnlyDictionary<string, string>? overrides)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? ImmutableSortedDictionary<string, string>.Empty)
        {
            builder[name] = Validate(name, value);
        }

        this.overrides = builder.ToImmutable();
    }

    private TopicConfig(ImmutableSortedDictionary<string, string> overrides) => this.overrides = overrides;

    /// <summary>No overrides: every value is the broker default.</summary>
    public static TopicConfig Empty { get; } = new(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal));

    /// <summary>Every supported topic config name, in ordinal order.</summary>
    public static IReadOnlyList<string> SupportedNames { get; } = TopicConfigDefinition.All.Select(d => d.Name).ToArray();

    /// <summary>The overrides by name, values in canonical form.</summary>
    public IReadOnlyDictionary<string, string> Overrides => overrides;

    /// <summary>True when the broker supports a topic config of this name.</summary>
    public static bool IsSupported(string name) => TopicConfigDefinition.ByName.ContainsKey(name);

    /// <summary>The type of a supported config, for DescribeConfigs.</summary>
    /// <exception cref="InvalidConfigException">The name is unknown.</exception>
    public static ConfigType TypeOf(string name) => TopicConfigDefinition.Get(name).Type;

    /// <summary>
    /// Checks one override as Kafka would and returns its canonical text (e.g. " 100" is "100", "delete , compact"
    /// is "delete,compact").
    /// </summary>
    /// <exception cref="InvalidConfigException">
    /// "Unknown topic config name: foo", or "Invalid value -5 for configuration retention.ms: Value must be at least -1".
    /// </exception>
    public static string Validate(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var definition = TopicConfigDefinition.Get(name);
        return value is null
            ? throw new InvalidConfigException($"Null value not supported for topic config: {name}", name)
            : definition.Normalize(value);
    }

    /// <summary>Like <see cref="Validate"/>, returning the error instead of throwing it.</summary>
    public static bool TryValidate(string name, string? value, out string normalized, out InvalidConfigException? error)
    {
        try
        {
            normalized = Validate(name, value);
            error = null;
            return true;
        }
        catch (InvalidConfigException ex)
        {
            normalized = "";
            error = ex;
            return false;
        }
    }

    /// <summary>
    /// The configs of a CreateTopics (or a whole-set AlterConfigs) request: later entries of the same name win, as in
    /// Kafka, and a null value is rejected.
    /// </summary>
    /// <exception cref="InvalidConfigException">A name is unknown or a value invalid or null.</exception>
    public static TopicConfig Create(IEnumerable<KeyValuePair<string, string?>> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in configs)
        {
            builder[name] = Validate(name, value);
        }

        return new TopicConfig(builder.ToImmutable());
    }

    /// <summary>This config with one override set, or removed when <paramref name="value"/> is null.</summary>
    /// <exception cref="InvalidConfigException">The name is unknown or the value invalid.</exception>
    public TopicConfig With(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is null)
        {
            _ = TopicConfigDefinition.Get(name);
            return overrides.ContainsKey(name) ? new TopicConfig(overrides.Remove(name)) : this;
        }

        var normalized = Validate(name, value);
        return overrides.TryGetValue(name, out var existing) && existing == normalized
            ? this
            : new TopicConfig(overrides.SetItem(name, normalized));
    }

    /// <summary>
    /// Applies the operations of one IncrementalAlterConfigs resource (op: <see cref="AlterConfigOp"/> as a byte),
    /// all or nothing: the first invalid operation throws and nothing changes. APPEND and SUBTRACT work on list-typed
    /// configs (<c>cleanup.policy</c>) and start from the current effective value (the override, else the broker default).
    /// </summary>
    /// <param name="operations">The operations; a name may appear once.</param>
    /// <param name="defaults">The broker defaults APPEND/SUBTRACT start from when there is no override; Kafka's when null.</param>
    /// <exception cref="InvalidConfigException">
    /// An operation is invalid: <see cref="InvalidConfigException.ErrorCode"/> tells INVALID_CONFIG (bad name or value)
    /// from INVALID_REQUEST (repeated name, unknown operation, APPEND/SUBTRACT on a non-list config).
    /// </exception>
    public TopicConfig ApplyIncremental(IEnumerable<(string Name, byte Op, string? Value)> operations, BrokerDefaults? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        defaults ??= BrokerDefaults.Kafka;
        var list = operations.ToList();
        var duplicate = list.GroupBy(op => op.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidConfigException(
                $"Error due to duplicate config keys: {duplicate.Key}", duplicate.Key, InvalidConfigException.InvalidRequest);
        }

        var result = overrides;
        foreach (var (name, op, value) in list)
        {
            ArgumentNullException.ThrowIfNull(name);
            var definition = TopicConfigDefinition.Get(name);
            switch ((AlterConfigOp)op)
            {
                case AlterConfigOp.Set:
                    result = result.SetItem(name, Validate(name, value));
                    break;
                case AlterConfigOp.Delete:
                    result = result.Remove(name);
                    break;
                case AlterConfigOp.Append or AlterConfigOp.Subtract:
                    result = result.SetItem(name, ApplyListOp(definition, (AlterConfigOp)op, value, result, defaults));
                    break;
                default:
                    throw new InvalidConfigException(
                        $"Unknown alter config operation {op} for config {name}", name, InvalidConfigException.InvalidRequest);
            }
        }

        return result.Count == overrides.Count && result.All(pair => overrides.TryGetValue(pair.Key, out var v) && v == pair.Value)
            ? this
            : new TopicConfig(result);
    }

    /// <summary>Every setting with its effective value: the override, else the broker default.</summary>
    public EffectiveTopicConfig Resolve(BrokerDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var effective = defaults.TopicDefaults();
        foreach (var (name, value) in overrides)
        {
            effective = TopicConfigDefinition.ByName[name].Apply(effective, value);
        }

        return effective;
    }

    /// <summary>The segment log's settings for a replica of this topic (every <see cref="LogConfig"/> field).</summary>
    public LogConfig ToLogConfig(BrokerDefaults defaults) => Resolve(defaults).ToLogConfig();

    /// <summary>Effective <c>min.insync.replicas</c>.</summary>
    public int MinInsyncReplicas(BrokerDefaults defaults) => Resolve(defaults).MinInsyncReplicas;

    /// <summary>Effective <c>max.message.bytes</c>: the largest record batch a produce may carry.</summary>
    public int MaxMessageBytes(BrokerDefaults defaults) => Resolve(defaults).MaxMessageBytes;

    /// <summary>Effective <c>message.timestamp.type</c>.</summary>
    public TimestampType MessageTimestampType(BrokerDefaults defaults) => Resolve(defaults).TimestampType;

    /// <summary>Effective <c>cleanup.policy</c>.</summary>
    public CleanupPolicy CleanupPolicy(BrokerDefaults defaults) => Resolve(defaults).CleanupPolicy;

    /// <summary>
    /// The DescribeConfigs entries of this topic, one per supported name in ordinal order (or only those asked for;
    /// unknown names are left out, as Kafka does). An override is <see cref="ConfigSource.DynamicTopicConfig"/>; a broker
    /// default is <see cref="ConfigSource.StaticBrokerConfig"/> when <c>actorstream.broker</c> sets it to something other
    /// than Kafka's default, else <see cref="ConfigSource.DefaultConfig"/> (the only source with IsDefault).
    /// </summary>
    public IReadOnlyList<ConfigEntry> Describe(BrokerDefaults defaults, IEnumerable<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var wanted = names is null ? null : new HashSet<string>(names, StringComparer.Ordinal);
        var entries = new List<ConfigEntry>();
        foreach (var definition in TopicConfigDefinition.All)
        {
            if (wanted is not null && !wanted.Contains(definition.Name))
            {
                continue;
            }

            string value;
            ConfigSource source;
            if (overrides.TryGetValue(definition.Name, out var overridden))
            {
                (value, source) = (overridden, ConfigSource.DynamicTopicConfig);
            }
            else
            {
                value = definition.RenderDefault(defaults);
                source = value == definition.RenderDefault(BrokerDefaults.Kafka) ? ConfigSource.DefaultConfig : ConfigSource.StaticBrokerConfig;
            }

            entries.Add(new ConfigEntry(definition.Name, value, source, source == ConfigSource.DefaultConfig, ReadOnly: false, Sensitive: false)
            {
                Type = definition.Type,
            });
        }

        return entries;
    }

    public bool Equals(TopicConfig? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (other.overrides.Count == overrides.Count
                && overrides.All(pair => other.overrides.TryGetValue(pair.Key, out var value) && value == pair.Value)));

    public override bool Equals(object? obj) => Equals(obj as TopicConfig);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var (name, value) in overrides)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        overrides.Count == 0 ? "{}" : "{" + string.Join(", ", overrides.Select(pair => $"{pair.Key}={pair.Value}")) + "}";

    private static string ApplyListOp(
        TopicConfigDefinition definition, AlterConfigOp op, string? value, ImmutableSortedDictionary<string, string> current, BrokerDefaults defaults)
    {
        var verb = op == AlterConfigOp.Append ? "append" : "subtract";
        if (!definition.IsList)
        {
            throw new InvalidConfigException(
                $"Config value {verb} is not allowed for config key: {definition.Name}", definition.Name, InvalidConfigException.InvalidRequest);
        }

        if (value is null)
        {
            throw new InvalidConfigException($"Null value not supported for {verb} on topic config: {definition.Name}", definition.Name);
        }

        var existing = ConfigValues.SplitList(current.TryGetValue(definition.Name, out var overridden) ? overridden : definition.RenderDefault(defaults));
        var changes = ConfigValues.SplitList(value);
        var updated = op == AlterConfigOp.Append
            ? existing.Concat(changes.Where(element => !existing.Contains(element, StringComparer.Ordinal)))
            : existing.Where(element => !changes.Contains(element, StringComparer.Ordinal));

        // Validating the result also catches bad appended elements and a list subtracted to nothing.
        return definition.Normalize(string.Join(',', updated));
    }
}
