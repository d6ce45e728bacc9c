namespace ActorStream.Hocon;

/// <summary><c>${path}</c> or <c>${?path}</c>.</summary>
internal sealed class HoconSubstitution : HoconValue
{
    public HoconSubstitution(IReadOnlyList<string> path, bool optional, string origin, IReadOnlyList<string>? environmentPath = null)
        : base(origin)
    {
        Path = path;
        Optional = optional;
        EnvironmentPath = environmentPath ?? path;
    }

    /// <summary>Absolute path in the root, already prefixed when the text came from a nested include.</summary>
    public IReadOnlyList<string> Path { get; }

    public bool Optional { get; }

    /// <summary>The path as written; the environment fallback uses it so <c>${HOME}</c> still works in a nested include.</summary>
    public IReadOnlyList<string> EnvironmentPath { get; }

    public HoconSubstitution WithPrefix(IReadOnlyList<string> prefix) =>
        new([.. prefix, .. Path], Optional, Origin, EnvironmentPath);
}
