namespace ActorStream.Hocon;

/// <summary>A node of the config tree; unresolved kinds (substitution, concatenation, merge) disappear on resolution.</summary>
internal abstract class HoconValue
{
    protected HoconValue(string origin)
    {
        Origin = origin;
    }

    /// <summary>"file:line" where the value was written.</summary>
    public string Origin { get; }

    public static bool IsUnresolved(HoconValue value) =>
        value is HoconSubstitution or HoconConcatenation or HoconMerge;
}
