using System.Globalization;
using System.Text;

namespace ActorStream.Hocon;

/// <summary>Splits HOCON text into tokens, keeping whitespace and newlines because both matter to the grammar.</summary>
internal sealed class Tokenizer
{
    // Characters that end an unquoted string; some are only reserved by the spec for future use.
    private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string text;
    private readonly string originName;
    private readonly List<Token> tokens = [];
    private int pos;
    private int line = 1;

    private Tokenizer(string text, string originName)
    {
        this.text = text;
        this.originName = originName;
    }

    public static List<Token> Tokenize(string text, string originName)
    {
        var tokenizer = new Tokenizer(text, originName);
        tokenizer.Run();
        return tokenizer.tokens;
    }

    public static bool IsWhitespace(char c) =>
        c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF' || (c >= '\u001C' && c <= '\u001F'));

    private void Run()
    {
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c == '\n')
            {
                Add(TokenKind.Newline, "\n");
                pos++;
                line++;
            }
            else if (IsWhitespace(c))
            {
                var start = pos;
                while (pos < text.Length && IsWhitespace(text[pos]))
                {
                    pos++;
                }

                Add(TokenKind.Whitespace, text[start..pos]);
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (pos < text.Length && text[pos] != '\n')
                {
                    pos++;
                }
            }
            else
            {
                ReadSignificant(c);
            }
        }

        Add(TokenKind.End, "");
    }

    private void ReadSignificant(char c)
    {
        switch (c)
        {
            case '{': Single(TokenKind.OpenBrace, c); return;
            case '}': Single(TokenKind.CloseBrace, c); return;
            case '[': Single(TokenKind.OpenBracket, c); return;
            case ']': Single(TokenKind.CloseBracket, c); return;
            case ',': Single(TokenKind.Comma, c); return;
            case ':': Single(TokenKind.Colon, c); return;
            case '=': Single(TokenKind.Equals, c); return;
            case '+':
                if (Peek(1) != '=')
                {
                    throw Error("'+' is only valid as part of '+='");
                }

                Add(TokenKind.PlusEquals, "+=");
                pos += 2;
                return;
            case '"':
                if (Peek(1) == '"' && Peek(2) == '"')
                {
                    ReadTripleQuoted();
                }
                else
                {
                    ReadQuoted();
                }

                return;
            case '$':
                if (Peek(1) != '{')
                {
                    throw Error("'$' must start a substitution such as ${a.b}");
                }

                ReadSubstitution();
                return;
            default:
                if (Forbidden.Contains(c, StringComparison.Ordinal))
                {
                    throw Error($"reserved character '{c}' is not allowed outside quotes");
                }

                if ((c == '-' || char.IsAsciiDigit(c)) && TryReadNumber())
                {
                    return;
                }

                ReadUnquoted();
                return;
        }
    }

    private void Single(TokenKind kind, char c)
    {
        Add(kind, c.ToString());
        pos++;
    }

    private char Peek(int offset) => pos + offset < text.Length ? text[pos + offset] : '\0';

    private void Add(TokenKind kind, string value, bool optional = false) =>
        tokens.Add(new Token(kind, value, line, optional));

    private ConfigException Error(string message) =>
        ConfigException.Parse($"{originName}:{line}", message);

    // JSON number syntax; whatever follows (e.g. the "s" in 10s) becomes a separate unquoted token.
    private bool TryReadNumber()
    {
        var start = pos;
        var i = pos;
        if (text[i] == '-')
        {
            i++;
        }

        var digitsStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == digitsStart)
        {
            return false;
        }

        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-'))
            {
                j++;
            }

            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                while (j < text.Length && char.IsAsciiDigit(text[j]))
                {
                    j++;
                }

                i = j;
            }
        }

        pos = i;
        Add(TokenKind.Number, text[start..i]);
        return true;
    }

    private void ReadUnquoted()
    {
        var start = pos;
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c == '\n' || IsWhitespace(c) || Forbidden.Contains(c, StringComparison.Ordinal) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            pos++;
        }

        Add(TokenKind.Unquoted, text[start..pos]);
    }

    private void ReadQuoted()
    {
        var startLine = line;
        pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= text.Length)
            {
                throw ConfigException.Parse($"{originName}:{startLine}", "unterminated quoted string");
            }

            var c = text[pos++];
            if (c == '"')
            {
                break;
            }

            if (c == '\n')
            {
                throw Error("newline inside a quoted string (use \"\"\" for multi-line strings)");
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = pos < text.Length ? text[pos++] : '\0';
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (pos + 4 > text.Length || !int.TryParse(text.AsSpan(pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("expected four hex digits after \\u");
                    }

                    sb.Append((char)code);
                    pos += 4;
                    break;
                default:
                    throw Error($"invalid escape '\\{e}' in quoted string");
            }
        }

        tokens.Add(new Token(TokenKind.Quoted, sb.ToString(), startLine));
    }

    private void ReadTripleQuoted()
    {
        var startLine = line;
        var start = pos + 3;
        var end = text.IndexOf("\"\"\"", start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("unterminated \"\"\" string");
        }

        // Quotes beyond the closing three belong to the string: """a"""" is a".
        while (end + 3 < text.Length && text[end + 3] == '"')
        {
            end++;
        }

        var content = text[start..end];
        tokens.Add(new Token(TokenKind.Quoted, content, startLine));
        line += content.Count(ch => ch == '\n');
        pos = end + 3;
    }

    private void ReadSubstitution()
    {
        pos += 2;
        var optional = false;
        if (Peek(0) == '?')
        {
            optional = true;
            pos++;
        }

        var start = pos;
        var inQuotes = false;
        while (true)
        {
            if (pos >= text.Length || text[pos] == '\n')
            {
                throw Error("unterminated substitution, expected '}'");
            }

            var c = text[pos];
            if (inQuotes && c == '\\')
            {
                pos += 2;
                continue;
            }

            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == '}' && !inQuotes)
            {
                break;
            }

            pos++;
        }

        var inner = text[start..pos];
        pos++;
        if (inner.Trim().Length == 0)
        {
            throw Error("empty substitution ${}");
        }

        Add(TokenKind.Substitution, inner, optional);
    }
}
