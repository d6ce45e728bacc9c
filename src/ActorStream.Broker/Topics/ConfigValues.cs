using System.Globalization;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Topics;

/// <summary>Parsing, range checks and rendering of config values, following Kafka's <c>ConfigDef</c> types.</summary>
internal static class ConfigValues
{
    public static readonly string[] PolicyElements = [TopicConfigNames.PolicyCompact, TopicConfigNames.PolicyDelete];

    public static long ParseLong(string name, string value, long min)
    {
        if (!long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw InvalidConfigException.InvalidValue(name, value, "Not a number of type LONG");
        }

        return number >= min ? number : throw InvalidConfigException.InvalidValue(name, value, $"Value must be at least {min}");
    }

    public static int ParseInt(string name, string value, int min)
    {
        if (!int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw InvalidConfigException.InvalidValue(name, value, "Not a number of type INT");
        }

        return number >= min ? number : throw InvalidConfigException.InvalidValue(name, value, $"Value must be at least {min}");
    }

    public static double ParseRatio(string name, string value)
    {
        if (!double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw InvalidConfigException.InvalidValue(name, value, "Not a number of type DOUBLE");
        }

        return number switch
        {
            < 0 => throw InvalidConfigException.InvalidValue(name, value, "Value must be at least 0.0"),
            > 1 => throw InvalidConfigException.InvalidValue(name, value, "Value must be no more than 1.0"),
            _ => number,
        };
    }

    /// <summary>
    /// Kafka's compression.type: a codec the broker recompresses batches into, or "producer" (null here) to keep
    /// the producer's. When a value is set (<paramref name="setting"/>), a codec this machine cannot encode (no liblz4
    /// or libzstd) is refused rather than accepted and ignored; a value already stored is read back as it is.
    /// </summary>
    public static CompressionType? ParseCompressionType(string name, string value, bool setting = true)
    {
        CompressionType? codec = value.Trim() switch
        {
            "producer" => null,
            "uncompressed" => CompressionType.None,
            "gzip" => CompressionType.Gzip,
            "snappy" => CompressionType.Snappy,
            "lz4" => CompressionType.Lz4,
            "zstd" => CompressionType.Zstd,
            _ => throw InvalidConfigException.InvalidValue(name, value, "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"),
        };
        if (setting && codec is { } c && !RecordCompression.CanCompress(c))
            throw InvalidConfigException.InvalidValue(name, value, $"this broker cannot encode {value.Trim()} (its system library is missing)");
        return codec;
    }

    public static string Render(CompressionType? codec) => codec switch
    {
        null => "producer",
        CompressionType.None => "uncompressed",
        CompressionType.Gzip => "gzip",
        CompressionType.Snappy => "snappy",
        CompressionType.Lz4 => "lz4",
        _ => "zstd",
    };

    public static TimestampType ParseTimestampType(string name, string value) => value.Trim() switch
    {
        "CreateTime" => TimestampType.CreateTime,
        "LogAppendTime" => TimestampType.LogAppendTime,
        _ => throw InvalidConfigException.InvalidValue(name, value, "String must be one of: CreateTime, LogAppendTime"),
    };

    /// <summary>The elements of a cleanup policy list, trimmed, in order, without repeats; at least one.</summary>
    public static List<string> ParsePolicyList(string name, string value)
    {
        var elements = SplitList(value);
        if (elements.Count == 0)
        {
            throw InvalidConfigException.InvalidValue(name, value, "must be delete, compact or both (\"compact,delete\")");
        }

        foreach (var element in elements)
        {
            if (!PolicyElements.Contains(element, StringComparer.Ordinal))
            {
                throw InvalidConfigException.InvalidValue(name, value, "String must be one of: compact, delete");
            }
        }

        return elements;
    }

    public static CleanupPolicy ToPolicy(IEnumerable<string> elements) =>
        elements.Aggregate(CleanupPolicy.None, (policy, element) => policy | (element == TopicConfigNames.PolicyCompact
            ? CleanupPolicy.Compact
            : CleanupPolicy.Delete));

    /// <summary>A comma-separated list, trimmed, empty elements kept (so that "compact," is caught), repeats dropped.</summary>
    public static List<string> SplitList(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0
            ? []
            : trimmed.Split(',').Select(element => element.Trim()).Distinct(StringComparer.Ordinal).ToList();
    }

    public static string Render(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>As Java's <c>Double.toString</c> for ordinary values: 0.5, 1.0.</summary>
    public static string Render(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    public static string Render(TimestampType type) => type == TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime";

    public static string Render(CleanupPolicy policy) => policy switch
    {
        CleanupPolicy.Compact => TopicConfigNames.PolicyCompact,
        CleanupPolicy.Delete => TopicConfigNames.PolicyDelete,
        CleanupPolicy.Compact | CleanupPolicy.Delete => "compact,delete",
        _ => "",
    };
}
