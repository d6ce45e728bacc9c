namespace ActorStream.Hocon;

/// <summary>
/// Replaces substitutions against the whole root. Values reachable by path are resolved once per path
/// (memoized), which also gives cycle detection: meeting a path that is still being resolved is a cycle.
/// Only the looked-up field is resolved, not its parent object, so <c>bar { foo = 1, baz = ${bar.foo} }</c> works.
/// </summary>
internal sealed class Resolver
{
    private readonly HoconObject root;
    private readonly Func<string, string?> environment;
    private readonly Dictionary<string, HoconValue?> resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Expansion> expansions = new(StringComparer.Ordinal);
    private readonly List<string> inProgress = [];

    private Resolver(HoconObject root, Func<string, string?> environment)
    {
        this.root = root;
        this.environment = environment;
    }

    public static HoconObject Resolve(HoconObject root, Func<string, string?> environment) =>
        (HoconObject)new Resolver(root, environment).ResolvePath([])!;

    // Null result everywhere below means "no value" (an optional substitution that found nothing).
    private HoconValue? ResolvePath(IReadOnlyList<string> path)
    {
        var key = HoconPath.Render(path);
        if (resolved.TryGetValue(key, out var done))
        {
            return done;
        }

        if (inProgress.Contains(key, StringComparer.Ordinal))
        {
            var cycle = inProgress.Skip(inProgress.IndexOf(key)).Append(key);
            throw new ConfigException($"cycle in substitutions: {string.Join(" -> ", cycle)}", key, null);
        }

        inProgress.Add(key);
        try
        {
            var node = Navigate(path);
            var result = node is null ? null : ResolveNode(node, path);
            resolved[key] = result;
            return result;
        }
        finally
        {
            inProgress.RemoveAt(inProgress.Count - 1);
        }
    }

    // Finds the unresolved node at a path, resolving only what lies on the way.
    private HoconValue? Navigate(IReadOnlyList<string> path)
    {
        HoconValue node = root;
        for (var i = 0; i < path.Count; i++)
        {
            var child = Child(node, path.Take(i).ToArray(), path[i]);
            if (child is null)
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private HoconValue? Child(HoconValue node, IReadOnlyList<string> nodePath, string key)
    {
        switch (node)
        {
            case HoconObject obj:
                return obj.TryGet(key, out var value) ? value : null;
            case HoconMerge merge:
                var children = new List<HoconValue>();
                foreach (var layer in Expand(merge, nodePath).Objects)
                {
                    if (layer.TryGet(key, out var child))
                    {
                        children.Add(child);
                    }
                }

                return children.Count == 0 ? null : HoconMerge.Create(children);
            case HoconSubstitution or HoconConcatenation:
                return ResolvePath(nodePath) is HoconObject resolvedObject && resolvedObject.TryGet(key, out var found) ? found : null;
            default:
                return null;
        }
    }

    private HoconValue? ResolveNode(HoconValue node, IReadOnlyList<string> path)
    {
        switch (node)
        {
            case HoconObject obj:
                return ResolveFields(obj.Keys, path, obj.Origin);
            case HoconMerge merge:
                var expansion = Expand(merge, path);
                if (expansion.Objects.Count == 0)
                {
                    return expansion.Terminal;
                }

                // Fallback keys first so the order reads like the files were concatenated.
                var keys = expansion.Objects.AsEnumerable().Reverse().SelectMany(o => o.Keys).Distinct(StringComparer.Ordinal);
                return ResolveFields(keys, path, expansion.Objects[0].Origin);
            default:
                return ResolveValue(node, new Context(path, null));
        }
    }

    private HoconObject ResolveFields(IEnumerable<string> keys, IReadOnlyList<string> path, string origin)
    {
        var result = new HoconObject(origin);
        foreach (var key in keys.ToList())
        {
            var value = ResolvePath([.. path, key]);
            if (value is not null)
            {
                result.Set(key, value);
            }
        }

        return result;
    }

    /// <summary>
    /// Walks a merge stack from the top: objects collect (their fields are merged by path later), the first
    /// non-object ends it and, if nothing is above it, becomes the value.
    /// </summary>
    private Expansion Expand(HoconMerge merge, IReadOnlyList<string> path)
    {
        var key = HoconPath.Render(path);
        if (expansions.TryGetValue(key, out var done))
        {
            return done;
        }

        var marker = "merge:" + key;
        if (inProgress.Contains(marker, StringComparer.Ordinal))
        {
            throw new ConfigException($"cycle in substitutions involving {key}", key, merge.Origin);
        }

        inProgress.Add(marker);
        try
        {
            var objects = new List<HoconObject>();
            HoconValue? terminal = null;
            for (var i = 0; i < merge.Layers.Count; i++)
            {
                var layer = merge.Layers[i];
                var value = layer is HoconObject ? layer : ResolveValue(layer, new Context(path, Below(merge.Layers, i + 1)));
                if (value is null)
                {
                    continue;
                }

                if (value is HoconObject obj)
                {
                    objects.Add(obj);
                    continue;
                }

                if (objects.Count == 0)
                {
                    terminal = value;
                }

                break;
            }

            var expansion = new Expansion(objects, terminal);
            expansions[key] = expansion;
            return expansion;
        }
        finally
        {
            inProgress.RemoveAt(inProgress.Count - 1);
        }
    }

    private static HoconValue? Below(IReadOnlyList<HoconValue> layers, int start) =>
        start >= layers.Count ? null : HoconMerge.Create(layers.Skip(start));

    // Resolves a value not addressed by its own path (list elements, concatenation pieces, earlier definitions).
    private HoconValue? ResolveValue(HoconValue value, Context context)
    {
        switch (value)
        {
            case HoconScalar:
                return value;
            case HoconSubstitution substitution:
                return Substitute(substitution, context);
            case HoconConcatenation concatenation:
                return ResolveConcatenation(concatenation, context);
            case HoconArray array:
                var items = new List<HoconValue>();
                foreach (var item in array.Items)
                {
                    if (ResolveValue(item, context) is { } resolvedItem)
                    {
                        items.Add(resolvedItem);
                    }
                }

                return new HoconArray(items, array.Origin);
            case HoconObject obj:
                var copy = new HoconObject(obj.Origin);
                foreach (var key in obj.Keys)
                {
                    obj.TryGet(key, out var field);
                    if (ResolveValue(field!, new Context([.. context.Path, key], null)) is { } resolvedField)
                    {
                        copy.Set(key, resolvedField);
                    }
                }

                return copy;
            case HoconMerge merge:
                return ResolveLayers(merge.Layers, context.Path);
            default:
                throw new InvalidOperationException($"unknown value type {value.GetType().Name}");
        }
    }

    private HoconValue? ResolveLayers(IReadOnlyList<HoconValue> layers, IReadOnlyList<string> path)
    {
        HoconObject? merged = null;
        for (var i = 0; i < layers.Count; i++)
        {
            var value = ResolveValue(layers[i], new Context(path, Below(layers, i + 1)));
            if (value is null)
            {
                continue;
            }

            if (value is not HoconObject obj)
            {
                return merged ?? value;
            }

            merged = merged is null ? obj : ValueMerger.MergeObjects(obj, merged);
        }

        return merged;
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation concatenation, Context context)
    {
        var pieces = new List<HoconValue>();
        foreach (var piece in concatenation.Pieces)
        {
            var value = ResolveValue(piece, context);
            if (value is null)
            {
                continue;
            }

            // Inside a concatenation a substituted null becomes "" rather than "null".
            if (piece is HoconSubstitution && value is HoconScalar { Kind: ScalarKind.Null })
            {
                value = HoconScalar.String("", value.Origin);
            }

            pieces.Add(value);
        }

        return ValueMerger.Concatenate(pieces, concatenation.Origin, HoconPath.Render(context.Path));
    }

    private HoconValue? Substitute(HoconSubstitution substitution, Context context)
    {
        HoconValue? found;
        if (context.Path.Count > 0 && HoconPath.StartsWith(substitution.Path, context.Path))
        {
            // Self-reference: the field's own path means the value it had before this definition.
            found = context.Previous is null ? null : ResolveValue(context.Previous, new Context(context.Path, null));
            for (var i = context.Path.Count; i < substitution.Path.Count && found is not null; i++)
            {
                found = found is HoconObject obj && obj.TryGet(substitution.Path[i], out var child) ? child : null;
            }
        }
        else
        {
            found = ResolvePath(substitution.Path);
        }

        if (found is not null)
        {
            return found;
        }

        var name = string.Join('.', substitution.EnvironmentPath);
        var fromEnvironment = environment(name);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return HoconScalar.String(fromEnvironment, $"environment variable {name}");
        }

        if (substitution.Optional)
        {
            return null;
        }

        var shown = HoconPath.Render(substitution.Path);
        var at = context.Path.Count > 0 ? HoconPath.Render(context.Path) : shown;
        throw new ConfigException(
            $"{at} at {substitution.Origin}: could not resolve substitution ${{{shown}}} (not in the config nor the environment)",
            at,
            substitution.Origin);
    }

    private sealed record Context(IReadOnlyList<string> Path, HoconValue? Previous);

    private sealed record Expansion(List<HoconObject> Objects, HoconValue? Terminal);
}
