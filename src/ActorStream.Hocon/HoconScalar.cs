namespace ActorStream.Hocon;

internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A simple value; numbers keep their original text because concatenation and paths need it verbatim.</summary>
internal sealed class HoconScalar : HoconValue
{
    public HoconScalar(ScalarKind kind, string text, string origin, bool isWhitespace = false)
        : base(origin)
    {
        Kind = kind;
        Text = text;
        IsWhitespace = isWhitespace;
    }

    public ScalarKind Kind { get; }

    public string Text { get; }

    /// <summary>Whitespace between concatenated values: kept for strings, ignored between arrays or objects.</summary>
    public bool IsWhitespace { get; }

    public static HoconScalar String(string text, string origin) => new(ScalarKind.String, text, origin);

    public static HoconScalar Null(string origin) => new(ScalarKind.Null, "null", origin);
}
