namespace ActorStream.Hocon.Tests;

internal static class TestSupport
{
    /// <summary>Parses with a fake environment so tests never see the real process environment.</summary>
    public static Config Parse(string text, IReadOnlyDictionary<string, string>? environment = null, string? originName = null, string? baseDirectory = null) =>
        ConfigFactory.ParseString(text, originName, Options(environment, baseDirectory));

    public static ConfigParseOptions Options(IReadOnlyDictionary<string, string>? environment = null, string? baseDirectory = null) => new()
    {
        Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
        BaseDirectory = baseDirectory,
    };
}

/// <summary>A throwaway directory for include tests.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hocon-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
