namespace ActorStream.Hocon;

internal enum TokenKind
{
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    Newline,
    Whitespace,
    Unquoted,
    Quoted,
    Number,
    Substitution,
    End,
}

/// <summary>One lexical token; for substitutions Text is the raw path expression between the braces.</summary>
internal sealed record Token(TokenKind Kind, string Text, int Line, bool Optional = false)
{
    public bool StartsValue => Kind is TokenKind.Unquoted or TokenKind.Quoted or TokenKind.Number
        or TokenKind.Substitution or TokenKind.OpenBrace or TokenKind.OpenBracket;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Newline => "newline",
        TokenKind.Whitespace => "whitespace",
        TokenKind.Quoted => $"quoted string {Renderer.Quote(Text)}",
        TokenKind.Substitution => $"substitution ${{{Text}}}",
        _ => $"'{Text}'",
    };
}
