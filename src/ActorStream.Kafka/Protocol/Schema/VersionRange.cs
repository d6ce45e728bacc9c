using System.Globalization;

namespace ActorStream.Kafka.Protocol.Schema;

/// <summary>An inclusive range of API versions, written as Kafka does: "3+", "0-7", "5" or "none".</summary>
public readonly record struct VersionRange(short Lowest, short Highest)
{
    public static readonly VersionRange None = new(0, -1);

    public static readonly VersionRange All = new(0, short.MaxValue);

    public bool IsEmpty => Lowest > Highest;

    public bool Contains(short version) => version >= Lowest && version <= Highest;

    public static VersionRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
            return None;
        if (text.EndsWith('+'))
            return new VersionRange(short.Parse(text.AsSpan(0, text.Length - 1), CultureInfo.InvariantCulture), short.MaxValue);
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return new VersionRange(
                short.Parse(text.AsSpan(0, dash), CultureInfo.InvariantCulture),
                short.Parse(text.AsSpan(dash + 1), CultureInfo.InvariantCulture));
        }

        short single = short.Parse(text, CultureInfo.InvariantCulture);
        return new VersionRange(single, single);
    }

    public override string ToString()
        => IsEmpty ? "none" : Highest == short.MaxValue ? $"{Lowest}+" : Lowest == Highest ? $"{Lowest}" : $"{Lowest}-{Highest}";
}
