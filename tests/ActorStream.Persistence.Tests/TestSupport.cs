using System.Text;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;
using Microsoft.Extensions.Logging;

namespace ActorStream.Persistence.Tests;

/// <summary>A unique directory under the temp path, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actorstream-log-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public long NowMs => _now.ToUnixTimeMilliseconds();

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Collects log lines so tests can assert on what recovery said.</summary>
internal sealed class ListLogger : ILogger
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
            Lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}

internal static class Batches
{
    /// <summary>A batch of <paramref name="count"/> records with keys k{i} and values v{i}, base offset 0.</summary>
    public static byte[] Make(int count, long timestamp = 1000, string keyPrefix = "k", string valuePrefix = "v", long baseOffset = 0, CompressionType compression = CompressionType.None, int valueSize = 0)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { BaseOffset = baseOffset, Compression = compression });
        for (int i = 0; i < count; i++)
        {
            var value = valuePrefix + i + new string('x', valueSize);
            builder.Append(timestamp + i, Encoding.UTF8.GetBytes(keyPrefix + i), Encoding.UTF8.GetBytes(value));
        }

        return builder.ToArray();
    }

    /// <summary>One record with an explicit key and value (null value = tombstone).</summary>
    public static byte[] Single(string? key, string? value, long timestamp = 1000)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(timestamp, key is null ? null : Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));
        return builder.ToArray();
    }

    /// <summary>All (offset, key, value) records in a buffer of batches.</summary>
    public static List<(long Offset, string? Key, string? Value)> Records(ReadOnlySpan<byte> bytes)
    {
        var list = new List<(long, string?, string?)>();
        var scanner = new RecordBatchScanner(bytes);
        while (scanner.MoveNext())
        {
            foreach (var r in scanner.Current.GetRecords())
                list.Add((r.Offset, r.IsKeyNull ? null : Encoding.UTF8.GetString(r.Key), r.IsValueNull ? null : Encoding.UTF8.GetString(r.Value)));
        }

        scanner.ThrowIfError();
        return list;
    }

    /// <summary>Reads the whole log from its start through Read, following NextOffset.</summary>
    public static List<(long Offset, string? Key, string? Value)> ReadAll(Log log, int maxBytes = 1 << 20)
    {
        var all = new List<(long, string?, string?)>();
        long next = log.LogStartOffset;
        while (next < log.LogEndOffset)
        {
            using var result = log.Read(next, maxBytes);
            if (result.Records.IsEmpty)
                break;
            foreach (var r in Records(result.Records.Span))
            {
                if (r.Offset >= next)
                    all.Add(r);
            }

            next = LastNextOffset(result.Records.Span);
        }

        return all;
    }

    public static long LastNextOffset(ReadOnlySpan<byte> bytes)
    {
        var scan = RecordBatchScanner.Scan(bytes);
        return scan.NextOffset;
    }
}
