namespace ActorStream.Hocon;

internal sealed class HoconArray : HoconValue
{
    public HoconArray(IReadOnlyList<HoconValue> items, string origin)
        : base(origin)
    {
        Items = items;
    }

    public IReadOnlyList<HoconValue> Items { get; }
}
