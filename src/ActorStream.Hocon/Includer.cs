namespace ActorStream.Hocon;

/// <summary>
/// Locates included configs "adjacent to" the including one: files relative to its directory,
/// resources through <see cref="ConfigParseOptions.ResourceResolver"/> relative to its resource name.
/// </summary>
internal sealed class Includer
{
    private readonly ConfigParseOptions options;
    private readonly string? directory;
    private readonly string? resourceName;
    private readonly IReadOnlyList<string> chain;

    private Includer(ConfigParseOptions options, string? directory, string? resourceName, IReadOnlyList<string> chain)
    {
        this.options = options;
        this.directory = directory;
        this.resourceName = resourceName;
        this.chain = chain;
    }

    public static Includer ForString(ConfigParseOptions options) =>
        new(options, options.BaseDirectory ?? Directory.GetCurrentDirectory(), null, []);

    public static Includer ForFile(ConfigParseOptions options, string fullPath) =>
        new(options, Path.GetDirectoryName(fullPath), null, [fullPath]);

    public static Includer ForResource(ConfigParseOptions options, string name) =>
        new(options, null, name, ["resource:" + name]);

    /// <summary>Returns the included root object, or null when an optional include is missing.</summary>
    public HoconObject? Include(string kind, string name, bool required, string origin)
    {
        if (kind.Length == 0)
        {
            kind = resourceName is null ? "file" : "classpath";
        }

        var result = kind switch
        {
            "file" => IncludeFile(name, origin),
            "classpath" => IncludeResource(name, origin),
            _ => throw new ConfigException($"{origin}: include url(\"{name}\") is not supported; use file(...) or classpath(...)", null, origin),
        };
        if (result is null && required)
        {
            throw new ConfigException($"{origin}: required include {kind}(\"{name}\") was not found", null, origin);
        }

        return result;
    }

    private HoconObject? IncludeFile(string name, string origin)
    {
        var path = Path.GetFullPath(Path.IsPathRooted(name) ? name : Path.Combine(directory ?? Directory.GetCurrentDirectory(), name));
        if (File.Exists(path))
        {
            return ParseFile(path, origin);
        }

        // Without an extension the spec asks for every known format; HOCON is parsed last so it wins.
        if (Path.HasExtension(name))
        {
            return null;
        }

        HoconObject? merged = null;
        foreach (var candidate in new[] { path + ".json", path + ".conf" })
        {
            if (File.Exists(candidate))
            {
                var parsed = ParseFile(candidate, origin);
                merged = merged is null ? parsed : ValueMerger.MergeObjects(merged, parsed);
            }
        }

        return merged;
    }

    private HoconObject ParseFile(string path, string origin)
    {
        CheckCycle(path, origin);
        var text = File.ReadAllText(path);
        return Parser.Parse(text, path, new Includer(options, Path.GetDirectoryName(path), null, [.. chain, path]));
    }

    private HoconObject? IncludeResource(string name, string origin)
    {
        var resolver = options.ResourceResolver
            ?? throw new ConfigException(
                $"{origin}: include classpath(\"{name}\") needs ConfigParseOptions.ResourceResolver (or a config loaded with ConfigFactory.FromResource)",
                null,
                origin);
        var fullName = name.StartsWith('/') ? name[1..] : Adjacent(name);
        var text = resolver(fullName);
        if (text is null)
        {
            return null;
        }

        CheckCycle("resource:" + fullName, origin);
        return Parser.Parse(text, fullName, new Includer(options, null, fullName, [.. chain, "resource:" + fullName]));
    }

    // "conf/app.conf" including "db.conf" means "conf/db.conf".
    private string Adjacent(string name)
    {
        var slash = resourceName?.LastIndexOf('/') ?? -1;
        return slash < 0 ? name : resourceName![..(slash + 1)] + name;
    }

    private void CheckCycle(string key, string origin)
    {
        if (chain.Contains(key, StringComparer.Ordinal))
        {
            throw new ConfigException($"{origin}: include cycle: {string.Join(" -> ", chain)} -> {key}", null, origin);
        }
    }
}
