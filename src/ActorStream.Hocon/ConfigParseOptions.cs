namespace ActorStream.Hocon;

/// <summary>Knobs for parsing and resolving; every external input is injectable so tests stay deterministic.</summary>
public sealed class ConfigParseOptions
{
    public static ConfigParseOptions Default { get; } = new();

    /// <summary>Looked up for substitutions not found in the config; empty strings count as unset (per spec).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>
    /// Directory for relative file includes of configs parsed from a string.
    /// Null means the current directory. Files always include relative to their own directory.
    /// </summary>
    public string? BaseDirectory { get; init; }

    /// <summary>
    /// Resolves <c>include classpath("name")</c> (and plain includes inside a resource) to text; return null when missing.
    /// Null means classpath includes are reported as unsupported, except in <see cref="ConfigFactory.FromResource(System.Reflection.Assembly, string)"/>
    /// which looks names up among the same assembly's embedded resources.
    /// </summary>
    public Func<string, string?>? ResourceResolver { get; init; }
}
