using System.Globalization;

namespace ActorStream.Hocon;

/// <summary>The spec's "units format": optional whitespace, a number, optional whitespace, optional unit letters.</summary>
internal static class Units
{
    public static bool TrySplit(string text, out decimal number, out string unit)
    {
        var trimmed = text.Trim();
        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }

        unit = trimmed[unitStart..];
        var numberText = trimmed[..unitStart].TrimEnd();
        return decimal.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }
}
