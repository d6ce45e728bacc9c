namespace ActorStream.Hocon;

/// <summary>Values written side by side that involve a substitution, so they can only be joined after resolution.</summary>
internal sealed class HoconConcatenation : HoconValue
{
    public HoconConcatenation(IReadOnlyList<HoconValue> pieces, string origin)
        : base(origin)
    {
        Pieces = pieces;
    }

    public IReadOnlyList<HoconValue> Pieces { get; }
}
