using ActorStream.Broker.Topics;
using ActorStream.Hocon;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker;

/// <summary>Reads keys of one section, naming them by their full path in every error.</summary>
internal sealed class SectionReader(Config section, string prefix)
{
    public T Read<T>(string key, Func<Config, string, T> get)
    {
        try
        {
            return get(section, key);
        }
        catch (ConfigException ex) when (ex.Path == key)
        {
            // The getters name the key relative to the section; name it as an operator writes it.
            var message = ex.Message.StartsWith(key, StringComparison.Ordinal) ? prefix + ex.Message : ex.Message;
            throw new ConfigException(message, prefix + key, ex.Origin, ex);
        }
    }

    public long DurationMs(string key, long defaultMs) =>
        Read(key, (c, k) => c.HasPath(k) ? ToMs(c.GetDuration(k)) : defaultMs);

    /// <summary>A duration, or a word (e.g. "infinite") standing for a sentinel value.</summary>
    public long DurationMsOr(string key, string word, long wordValue, long defaultMs) =>
        IsWord(key, word) ? wordValue : DurationMs(key, defaultMs);

    public long Size(string key, long defaultBytes) =>
        Read(key, (c, k) => c.GetByteSize(k, defaultBytes));

    public long SizeOr(string key, string word, long wordValue, long defaultBytes) =>
        IsWord(key, word) ? wordValue : Size(key, defaultBytes);

    public long LongOr(string key, string word, long wordValue, long defaultValue) =>
        IsWord(key, word) ? wordValue : Read(key, (c, k) => c.GetLong(k, defaultValue));

    public CleanupPolicy CleanupPolicy(string key, CleanupPolicy defaultValue)
    {
        if (!section.HasPath(key))
        {
            return defaultValue;
        }

        var text = Read(key, (c, k) => c.GetString(k));
        try
        {
            return ConfigValues.ToPolicy(ConfigValues.ParsePolicyList(key, text));
        }
        catch (InvalidConfigException)
        {
            throw Invalid(key, "delete, compact or \"compact,delete\"", Quote(text));
        }
    }

    public CompressionType? CompressionType(string key, CompressionType? defaultValue)
    {
        if (!section.HasPath(key))
        {
            return defaultValue;
        }

        var text = Read(key, (c, k) => c.GetString(k));
        try
        {
            return ConfigValues.ParseCompressionType(key, text);
        }
        catch (InvalidConfigException e)
        {
            throw Invalid(key, "producer, uncompressed, gzip, snappy, lz4 or zstd" + (e.Message.Contains("cannot encode", StringComparison.Ordinal) ? " that this machine can encode" : ""), Quote(text));
        }
    }

    public TimestampType TimestampType(string key, TimestampType defaultValue)
    {
        if (!section.HasPath(key))
        {
            return defaultValue;
        }

        var text = Read(key, (c, k) => c.GetString(k));
        try
        {
            return ConfigValues.ParseTimestampType(key, text);
        }
        catch (InvalidConfigException)
        {
            throw Invalid(key, "CreateTime or LogAppendTime", Quote(text));
        }
    }

    public double Ratio(string key, double defaultValue)
    {
        var value = Read(key, (c, k) => c.GetDouble(k, defaultValue));
        return value is >= 0 and <= 1 ? value : throw Invalid(key, "a number from 0.0 to 1.0", ConfigValues.Render(value));
    }

    public int AtLeast(string key, int value, int min) => (int)AtLeast(key, (long)value, min);

    public long AtLeast(string key, long value, long min, string unit = "", string? alternative = null) =>
        value >= min
            ? value
            : throw Invalid(key, $"at least {min}{unit}{(alternative is null ? "" : " or " + alternative)}", $"{ConfigValues.Render(value)}{unit}");

    public long Within(string key, long value, long min, long max) =>
        value >= min && value <= max ? value : throw Invalid(key, $"from {min} to {max}", ConfigValues.Render(value));

    private bool IsWord(string key, string word)
    {
        if (!section.HasPath(key))
        {
            return false;
        }

        try
        {
            return string.Equals(section.GetString(key).Trim(), word, StringComparison.Ordinal);
        }
        catch (ConfigException)
        {
            // An object or list: let the typed getter report it.
            return false;
        }
    }

    private ConfigException Invalid(string key, string expected, string got) =>
        new($"{prefix}{key}: expected {expected}, got {got}", prefix + key, null);

    private static string Quote(string text) => "\"" + text + "\"";

    private static long ToMs(TimeSpan duration) => duration.Ticks / TimeSpan.TicksPerMillisecond;
}
