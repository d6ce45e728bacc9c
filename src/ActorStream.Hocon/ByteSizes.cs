namespace ActorStream.Hocon;

/// <summary>Size strings per the spec: kB/MB/... are powers of ten, K/Ki/KiB/... powers of two; a bare number means bytes.</summary>
internal static class ByteSizes
{
    private static readonly Dictionary<string, decimal> BytesPerUnit = Build();

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        if (!Units.TrySplit(text, out var number, out var unit) || !BytesPerUnit.TryGetValue(unit, out var multiplier))
        {
            return false;
        }

        try
        {
            var total = decimal.Truncate(number * multiplier);
            if (total > long.MaxValue || total < long.MinValue)
            {
                return false;
            }

            bytes = (long)total;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, decimal> Build()
    {
        var table = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var name in new[] { "", "B", "b", "byte", "bytes" })
        {
            table[name] = 1m;
        }

        string[] decimalPrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
        string[] decimalWords = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryWords = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        decimal powerOfTen = 1m;
        decimal powerOfTwo = 1m;
        for (var i = 0; i < decimalPrefixes.Length; i++)
        {
            powerOfTen *= 1000m;
            powerOfTwo *= 1024m;
            var upper = decimalPrefixes[i].ToUpperInvariant();
            table[decimalPrefixes[i] + "B"] = powerOfTen;
            table[decimalWords[i] + "byte"] = powerOfTen;
            table[decimalWords[i] + "bytes"] = powerOfTen;
            foreach (var name in new[] { upper, upper.ToLowerInvariant(), upper + "i", upper + "iB", binaryWords[i] + "byte", binaryWords[i] + "bytes" })
            {
                table[name] = powerOfTwo;
            }
        }

        return table;
    }
}
