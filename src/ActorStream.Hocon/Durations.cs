namespace ActorStream.Hocon;

/// <summary>Duration strings per the spec: case-sensitive lowercase units; a bare number means milliseconds.</summary>
internal static class Durations
{
    private static readonly Dictionary<string, decimal> NanosPerUnit = Build();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (!Units.TrySplit(text, out var number, out var unit) || !NanosPerUnit.TryGetValue(unit, out var nanosPerUnit))
        {
            return false;
        }

        try
        {
            // TimeSpan counts 100ns ticks, so finer values are truncated.
            var ticks = decimal.Truncate(number * nanosPerUnit / 100m);
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
            {
                return false;
            }

            duration = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, decimal> Build()
    {
        var table = new Dictionary<string, decimal>(StringComparer.Ordinal) { [""] = 1_000_000m };
        void Add(decimal nanos, params string[] names)
        {
            foreach (var name in names)
            {
                table[name] = nanos;
            }
        }

        Add(1m, "ns", "nanosecond", "nanoseconds");
        Add(1_000m, "us", "microsecond", "microseconds");
        Add(1_000_000m, "ms", "millisecond", "milliseconds");
        Add(1_000_000_000m, "s", "second", "seconds");
        Add(60_000_000_000m, "m", "minute", "minutes");
        Add(3_600_000_000_000m, "h", "hour", "hours");
        Add(86_400_000_000_000m, "d", "day", "days");
        return table;
    }
}
