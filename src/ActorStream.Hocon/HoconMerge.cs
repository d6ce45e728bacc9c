namespace ActorStream.Hocon;

/// <summary>
/// A stack of definitions of one key whose merge must wait for resolution, because a layer is a substitution
/// that may turn out to be an object. Layers[0] wins; lower layers are also what a self-reference sees.
/// </summary>
internal sealed class HoconMerge : HoconValue
{
    private HoconMerge(IReadOnlyList<HoconValue> layers)
        : base(layers[0].Origin)
    {
        Layers = layers;
    }

    public IReadOnlyList<HoconValue> Layers { get; }

    /// <summary>Builds a merge from highest to lowest priority, flattening nested merges (merging is associative).</summary>
    public static HoconValue Create(IEnumerable<HoconValue> layers)
    {
        var flat = new List<HoconValue>();
        foreach (var layer in layers)
        {
            if (layer is HoconMerge merge)
            {
                flat.AddRange(merge.Layers);
            }
            else
            {
                flat.Add(layer);
            }
        }

        return flat.Count == 1 ? flat[0] : new HoconMerge(flat);
    }
}
