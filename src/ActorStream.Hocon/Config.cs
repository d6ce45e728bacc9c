using System.Globalization;
using System.Net;

namespace ActorStream.Hocon;

/// <summary>
/// An immutable config tree. Substitutions are resolved against the whole (merged) root on the first read
/// and cached, so <c>app.WithFallback(reference)</c> can refer to keys only the reference defines.
/// Paths use HOCON path syntax: <c>a.b.c</c>, with quoted elements for keys containing dots (<c>a."b.c"</c>).
/// </summary>
public sealed class Config
{
    private readonly HoconObject root;
    private readonly ConfigParseOptions options;
    private readonly Lazy<HoconObject> resolved;

    internal Config(HoconObject root, ConfigParseOptions options, bool isResolved = false)
    {
        this.root = root;
        this.options = options;
        resolved = isResolved
            ? new Lazy<HoconObject>(root)
            : new Lazy<HoconObject>(() => Resolver.Resolve(root, options.Environment), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool IsEmpty => Resolved.Count == 0;

    /// <summary>Keys of the root object.</summary>
    public IEnumerable<string> Keys => Resolved.Keys;

    private HoconObject Resolved => resolved.Value;

    /// <summary>Resolves all substitutions now (they are otherwise resolved on first read) so errors surface early.</summary>
    public Config Resolve()
    {
        _ = Resolved;
        return this;
    }

    /// <summary>True when the path exists and is not null.</summary>
    public bool HasPath(string path) => Find(path) is { } value && value is not HoconScalar { Kind: ScalarKind.Null };

    public string GetString(string path) => AsString(path, Require(path, "a string"));

    public string GetString(string path, string defaultValue) =>
        FindNonNull(path) is { } value ? AsString(path, value) : defaultValue;

    public int GetInt(string path) => AsInt(path, Require(path, "an int"));

    public int GetInt(string path, int defaultValue) => FindNonNull(path) is { } value ? AsInt(path, value) : defaultValue;

    public long GetLong(string path) => AsLong(path, Require(path, "a long"));

    public long GetLong(string path, long defaultValue) => FindNonNull(path) is { } value ? AsLong(path, value) : defaultValue;

    public bool GetBoolean(string path) => AsBoolean(path, Require(path, "a boolean"));

    public bool GetBoolean(string path, bool defaultValue) =>
        FindNonNull(path) is { } value ? AsBoolean(path, value) : defaultValue;

    public double GetDouble(string path) => AsDouble(path, Require(path, "a number"));

    public double GetDouble(string path, double defaultValue) =>
        FindNonNull(path) is { } value ? AsDouble(path, value) : defaultValue;

    public TimeSpan GetDuration(string path) => AsDuration(path, Require(path, DurationForm));

    public TimeSpan GetDuration(string path, TimeSpan defaultValue) =>
        FindNonNull(path) is { } value ? AsDuration(path, value) : defaultValue;

    public long GetByteSize(string path) => AsByteSize(path, Require(path, ByteSizeForm));

    public long GetByteSize(string path, long defaultValue) =>
        FindNonNull(path) is { } value ? AsByteSize(path, value) : defaultValue;

    public IReadOnlyList<string> GetStringList(string path)
    {
        var value = Require(path, "a list of strings");
        if (value is not HoconArray array)
        {
            throw ConfigException.WrongType(path, value, "a list of strings");
        }

        return array.Items.Select(item => item is HoconScalar { Kind: not ScalarKind.Null } s
            ? s.Text
            : throw ConfigException.WrongType(path, item, "a list of strings (an element is not a string)")).ToList();
    }

    /// <summary>An IP address to bind (a host name is refused: binding needs an address).</summary>
    public IPAddress GetIPAddress(string path)
    {
        var value = Require(path, "an IP address");
        // IPAddress also takes inet_aton's short forms ("10.0.0" is 10.0.0.0): an IPv4 address here has four parts.
        return value is HoconScalar { Kind: ScalarKind.String or ScalarKind.Number } s && IPAddress.TryParse(s.Text, out var address)
            && (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || s.Text.Count(c => c == '.') == 3)
            ? address
            : throw ConfigException.WrongType(path, value, "an IP address to bind (e.g. \"0.0.0.0\" or \"127.0.0.1\")");
    }

    /// <summary>A TCP port; 0 (any free port) only when <paramref name="allowZero"/>.</summary>
    public int GetPort(string path, bool allowZero = true)
    {
        var value = Require(path, "a port number");
        int min = allowZero ? 0 : 1;
        return AsLongOrNull(value) is { } port && port >= min && port <= IPEndPoint.MaxPort
            ? (int)port
            : throw ConfigException.WrongType(path, value, $"a port number between {min} and {IPEndPoint.MaxPort}");
    }

    public IReadOnlyList<int> GetIntList(string path) => GetList(path, "a list of ints", AsInt);

    public IReadOnlyList<TimeSpan> GetDurationList(string path) => GetList(path, "a list of durations", AsDuration);

    /// <summary>The sub-tree at a path (already resolved); a missing path gives an empty config.</summary>
    public Config GetConfig(string path)
    {
        var value = FindNonNull(path);
        return value switch
        {
            null => new Config(new HoconObject("empty config"), options, isResolved: true),
            HoconObject obj => new Config(obj, options, isResolved: true),
            _ => throw ConfigException.WrongType(path, value, "an object"),
        };
    }

    /// <summary>Each element of a list of objects as a config (e.g. a list of listener definitions).</summary>
    public IReadOnlyList<Config> GetConfigList(string path) =>
        GetList(path, "a list of objects", (p, item) => item is HoconObject obj
            ? new Config(obj, options, isResolved: true)
            : throw ConfigException.WrongType(p, item, "a list of objects"));

    /// <summary>This config wins; the fallback fills gaps, objects merge deeply. Substitutions resolve against the merged tree.</summary>
    public Config WithFallback(Config fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new Config(ValueMerger.MergeObjects(fallback.root, root), options);
    }

    /// <summary>Readable HOCON/JSON-style text of the resolved tree, for logs and debugging.</summary>
    public string Render() => Renderer.Render(Resolved);

    public override string ToString() => Render();

    private const string DurationForm = "a duration such as 10s, 250ms or 2 minutes";

    private const string ByteSizeForm = "a size in bytes such as 512MiB, 64k or 1GB";

    private List<T> GetList<T>(string path, string expected, Func<string, HoconValue, T> convert)
    {
        var value = Require(path, expected);
        return value is HoconArray array
            ? array.Items.Select(item => convert(path, item)).ToList()
            : throw ConfigException.WrongType(path, value, expected);
    }

    private HoconValue? Find(string path)
    {
        HoconValue node = Resolved;
        foreach (var element in HoconPath.Parse(path, "path argument"))
        {
            if (node is not HoconObject obj || !obj.TryGet(element, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private HoconValue? FindNonNull(string path) =>
        Find(path) is { } value && value is not HoconScalar { Kind: ScalarKind.Null } ? value : null;

    private HoconValue Require(string path, string expected)
    {
        var value = Find(path) ?? throw ConfigException.Missing(path);
        return value is HoconScalar { Kind: ScalarKind.Null } ? throw ConfigException.WrongType(path, value, expected) : value;
    }

    private static string AsString(string path, HoconValue value) =>
        value is HoconScalar s ? s.Text : throw ConfigException.WrongType(path, value, "a string");

    private static int AsInt(string path, HoconValue value)
    {
        var number = AsLongOrNull(value);
        return number is >= int.MinValue and <= int.MaxValue
            ? (int)number.Value
            : throw ConfigException.WrongType(path, value, "an int (32-bit integer)");
    }

    private static long AsLong(string path, HoconValue value) =>
        AsLongOrNull(value) ?? throw ConfigException.WrongType(path, value, "a long (64-bit integer)");

    private static long? AsLongOrNull(HoconValue value)
    {
        if (value is not HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } s)
        {
            return null;
        }

        var text = s.Text.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exact))
        {
            return exact;
        }

        // 1e3 or 10.0 are whole numbers written another way.
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue
            ? (long)d
            : null;
    }

    private static double AsDouble(string path, HoconValue value) =>
        value is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } s
        && double.TryParse(s.Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw ConfigException.WrongType(path, value, "a number");

    private static bool AsBoolean(string path, HoconValue value) => value is HoconScalar { Kind: ScalarKind.Boolean or ScalarKind.String } s
        ? s.Text switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw ConfigException.WrongType(path, value, "a boolean (true/false, yes/no, on/off)"),
        }
        : throw ConfigException.WrongType(path, value, "a boolean (true/false, yes/no, on/off)");

    private static TimeSpan AsDuration(string path, HoconValue value) =>
        value is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } s && Durations.TryParse(s.Text, out var duration)
            ? duration
            : throw ConfigException.WrongType(path, value, DurationForm);

    private static long AsByteSize(string path, HoconValue value) =>
        value is HoconScalar { Kind: ScalarKind.Number or ScalarKind.String } s && ByteSizes.TryParse(s.Text, out var bytes)
            ? bytes
            : throw ConfigException.WrongType(path, value, ByteSizeForm);
}
