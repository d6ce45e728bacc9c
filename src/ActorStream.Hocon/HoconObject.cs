namespace ActorStream.Hocon;

/// <summary>Fields in insertion order. Mutated only while being built; shared freely afterwards.</summary>
internal sealed class HoconObject : HoconValue
{
    private readonly Dictionary<string, HoconValue> fields = new(StringComparer.Ordinal);
    private readonly List<string> keys = [];

    public HoconObject(string origin)
        : base(origin)
    {
    }

    public IReadOnlyList<string> Keys => keys;

    public int Count => keys.Count;

    /// <summary>
    /// Set on an object that replaced a non-object: per the spec that non-object hid everything beneath it,
    /// so merging further fallbacks into this object must not happen.
    /// </summary>
    public bool IgnoresFallbacks { get; set; }

    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HoconValue? value) =>
        fields.TryGetValue(key, out value);

    public void Set(string key, HoconValue value)
    {
        if (!fields.ContainsKey(key))
        {
            keys.Add(key);
        }

        fields[key] = value;
    }

    public HoconObject ShallowCopy(bool ignoresFallbacks)
    {
        var copy = new HoconObject(Origin) { IgnoresFallbacks = ignoresFallbacks };
        foreach (var key in keys)
        {
            copy.Set(key, fields[key]);
        }

        return copy;
    }

    /// <summary>Adds a field the way a duplicate key in a file would: objects merge, anything else overrides.</summary>
    public void MergeField(string key, HoconValue value) =>
        Set(key, fields.TryGetValue(key, out var existing) ? ValueMerger.Merge(existing, value) : value);
}
