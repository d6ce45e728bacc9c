namespace ActorStream.Broker.Topics;

/// <summary>
/// A topic config name or value was rejected. <see cref="ErrorCode"/> is the Kafka error a response should carry:
/// INVALID_CONFIG (40) for a bad name or value, INVALID_REQUEST (42) for a malformed request (a duplicate name,
/// an unknown operation, APPEND/SUBTRACT on a config that is not a list).
/// </summary>
public sealed class InvalidConfigException : Exception
{
    /// <summary>Kafka's INVALID_CONFIG error code.</summary>
    public const short InvalidConfig = 40;

    /// <summary>Kafka's INVALID_REQUEST error code.</summary>
    public const short InvalidRequest = 42;

    public InvalidConfigException()
        : this("Invalid config")
    {
    }

    public InvalidConfigException(string message)
        : base(message)
    {
        ErrorCode = InvalidConfig;
    }

    public InvalidConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = InvalidConfig;
    }

    public InvalidConfigException(string message, string? configName, short errorCode = InvalidConfig)
        : base(message)
    {
        ConfigName = configName;
        ErrorCode = errorCode;
    }

    /// <summary>The topic config the error is about, if one.</summary>
    public string? ConfigName { get; }

    /// <summary>The Kafka error code to answer with: <see cref="InvalidConfig"/> or <see cref="InvalidRequest"/>.</summary>
    public short ErrorCode { get; }

    internal static InvalidConfigException InvalidValue(string name, string? value, string reason) =>
        new($"Invalid value {value} for configuration {name}: {reason}", name);

    internal static InvalidConfigException UnknownName(string name) =>
        new($"Unknown topic config name: {name}", name);
}
