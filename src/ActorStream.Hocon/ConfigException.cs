namespace ActorStream.Hocon;

/// <summary>Raised for parse errors, failed substitutions and getters asked for missing or mistyped values.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException()
    {
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConfigException(string message, string? path, string? origin, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Origin = origin;
    }

    /// <summary>The config path involved, if any.</summary>
    public string? Path { get; }

    /// <summary>Where the offending text was written, e.g. "app.conf:12" or "&lt;string&gt;:3".</summary>
    public string? Origin { get; }

    internal static ConfigException Parse(string origin, string message) =>
        new($"{origin}: {message}", null, origin);

    internal static ConfigException Missing(string path) =>
        new($"No configuration setting found for key '{path}'", path, null);

    internal static ConfigException WrongType(string path, HoconValue value, string expected) =>
        new($"{path} at {value.Origin}: expected {expected}, got {Describe(value)}", path, value.Origin);

    private static string Describe(HoconValue value) => value switch
    {
        HoconScalar { Kind: ScalarKind.String } s => Renderer.Quote(s.Text),
        HoconScalar s => s.Text,
        HoconObject => "an object",
        HoconArray => "a list",
        _ => "an unresolved value",
    };
}
