using System.Reflection;

namespace ActorStream.Hocon;

/// <summary>Entry points for building <see cref="Config"/> from text, files and embedded resources.</summary>
public static class ConfigFactory
{
    public static Config Empty { get; } = new(new HoconObject("empty config"), ConfigParseOptions.Default, isResolved: true);

    /// <summary>Parses HOCON text; relative file includes resolve against <see cref="ConfigParseOptions.BaseDirectory"/>.</summary>
    public static Config ParseString(string text, string? originName = null, ConfigParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= ConfigParseOptions.Default;
        return new Config(Parser.Parse(text, originName ?? "<string>", Includer.ForString(options)), options);
    }

    /// <summary>Parses a HOCON file; its includes resolve relative to its directory.</summary>
    public static Config ParseFile(string path, ConfigParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ConfigParseOptions.Default;
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ConfigException($"config file not found: {fullPath}", null, fullPath);
        }

        return new Config(Parser.Parse(File.ReadAllText(fullPath), path, Includer.ForFile(options, fullPath)), options);
    }

    /// <summary>Loads an embedded resource text (e.g. a project's reference.conf) from an assembly.</summary>
    public static Config FromResource(Assembly assembly, string resourceName) => FromResource(assembly, resourceName, null);

    /// <summary>
    /// Loads an embedded resource. The name may be the full manifest name or its tail (e.g. "reference.conf"
    /// matches "MyProject.reference.conf"). Unless options say otherwise, includes look up resources of the same assembly.
    /// </summary>
    public static Config FromResource(Assembly assembly, string resourceName, ConfigParseOptions? options)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(resourceName);
        options ??= ConfigParseOptions.Default;
        if (options.ResourceResolver is null)
        {
            options = new ConfigParseOptions
            {
                Environment = options.Environment,
                BaseDirectory = options.BaseDirectory,
                ResourceResolver = name => ReadResource(assembly, name),
            };
        }

        var text = ReadResource(assembly, resourceName)
            ?? throw new ConfigException(
                $"embedded resource '{resourceName}' not found in {assembly.GetName().Name} (has: {string.Join(", ", assembly.GetManifestResourceNames())})",
                null,
                resourceName);
        return new Config(Parser.Parse(text, resourceName, Includer.ForResource(options, resourceName)), options);
    }

    private static string? ReadResource(Assembly assembly, string name)
    {
        var names = assembly.GetManifestResourceNames();
        var dotted = name.Replace('/', '.');
        var match = names.FirstOrDefault(n => n == name)
            ?? names.FirstOrDefault(n => n == dotted)
            ?? names.FirstOrDefault(n => n.EndsWith("." + dotted, StringComparison.Ordinal));
        if (match is null)
        {
            return null;
        }

        using var stream = assembly.GetManifestResourceStream(match)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
