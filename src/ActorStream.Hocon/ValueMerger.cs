namespace ActorStream.Hocon;

/// <summary>The spec's two combining rules: duplicate-key merging and value concatenation.</summary>
internal static class ValueMerger
{
    /// <summary>Combines an earlier definition with a later one of the same key.</summary>
    public static HoconValue Merge(HoconValue earlier, HoconValue later)
    {
        if (later is HoconObject laterObject)
        {
            if (earlier is HoconObject earlierObject)
            {
                return MergeObjects(earlierObject, laterObject);
            }

            // The earlier substitution may resolve to an object we must merge with, so wait.
            if (HoconValue.IsUnresolved(earlier))
            {
                return HoconMerge.Create([later, earlier]);
            }

            return laterObject.IgnoresFallbacks ? laterObject : laterObject.ShallowCopy(ignoresFallbacks: true);
        }

        // Keep the earlier value under an unresolved one: it may be an object to merge with, or the target of a self-reference.
        return HoconValue.IsUnresolved(later) ? HoconMerge.Create([later, earlier]) : later;
    }

    public static HoconObject MergeObjects(HoconObject earlier, HoconObject later)
    {
        if (later.IgnoresFallbacks)
        {
            return later;
        }

        var merged = new HoconObject(later.Origin) { IgnoresFallbacks = earlier.IgnoresFallbacks };
        foreach (var key in earlier.Keys)
        {
            earlier.TryGet(key, out var value);
            merged.Set(key, value!);
        }

        foreach (var key in later.Keys)
        {
            later.TryGet(key, out var value);
            merged.MergeField(key, value!);
        }

        return merged;
    }

    /// <summary>
    /// Joins resolved pieces: all objects merge (later wins), all arrays append, simple values become one string
    /// with the whitespace between them kept. Returns null when nothing is left.
    /// </summary>
    public static HoconValue? Concatenate(IReadOnlyList<HoconValue> pieces, string origin, string? path)
    {
        if (pieces.Count == 0)
        {
            return null;
        }

        if (pieces.Count == 1)
        {
            return pieces[0];
        }

        var values = pieces.Where(p => p is not HoconScalar { IsWhitespace: true }).ToList();
        if (values.Count > 0 && values.All(v => v is HoconObject))
        {
            var result = (HoconObject)values[0];
            for (var i = 1; i < values.Count; i++)
            {
                result = MergeObjects(result, (HoconObject)values[i]);
            }

            return result;
        }

        if (values.Count > 0 && values.All(v => v is HoconArray))
        {
            return new HoconArray(values.SelectMany(v => ((HoconArray)v).Items).ToList(), origin);
        }

        if (values.All(v => v is HoconScalar))
        {
            return HoconScalar.String(string.Concat(pieces.Select(p => ((HoconScalar)p).Text)), origin);
        }

        var kinds = string.Join(", ", values.Select(v => v switch
        {
            HoconObject => "object",
            HoconArray => "list",
            _ => "string",
        }).Distinct());
        var where = path is null ? origin : $"{path} at {origin}";
        throw new ConfigException($"{where}: cannot concatenate values of different kinds ({kinds})", path, origin);
    }
}
