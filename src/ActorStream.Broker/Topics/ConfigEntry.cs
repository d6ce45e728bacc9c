namespace ActorStream.Broker.Topics;

/// <summary>Where a described config value comes from; the numbers are Kafka's DescribeConfigs <c>ConfigSource</c>.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,

    /// <summary>An override set on the topic.</summary>
    DynamicTopicConfig = 1,
    DynamicBrokerConfig = 2,
    DynamicDefaultBrokerConfig = 3,

    /// <summary>The broker's configuration file (for us: <c>actorstream.broker</c> set to something other than Kafka's default).</summary>
    StaticBrokerConfig = 4,

    /// <summary>Kafka's built-in default.</summary>
    DefaultConfig = 5,
    DynamicBrokerLoggerConfig = 6,
    ClientMetricsConfig = 7,
    GroupConfig = 8,
}

/// <summary>The type of a config, as Kafka's DescribeConfigs (v3+) <c>ConfigType</c>.</summary>
public enum ConfigType : sbyte
{
    Unknown = 0,
    Boolean = 1,
    String = 2,
    Int = 3,
    Short = 4,
    Long = 5,
    Double = 6,
    List = 7,
    Class = 8,
    Password = 9,
}

/// <summary>The operations of Kafka's IncrementalAlterConfigs (<c>AlterConfigOp.OpType</c>).</summary>
public enum AlterConfigOp : byte
{
    /// <summary>Set the value.</summary>
    Set = 0,

    /// <summary>Remove the override, reverting to the default.</summary>
    Delete = 1,

    /// <summary>Add elements to a list-typed config.</summary>
    Append = 2,

    /// <summary>Remove elements from a list-typed config.</summary>
    Subtract = 3,
}

/// <summary>One row of a DescribeConfigs answer for a topic, with the value rendered as Kafka renders it.</summary>
public sealed record ConfigEntry(string Name, string Value, ConfigSource Source, bool IsDefault, bool ReadOnly, bool Sensitive)
{
    /// <summary>The config's type, for DescribeConfigs v3+.</summary>
    public ConfigType Type { get; init; }
}
