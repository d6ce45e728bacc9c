using System.Text;

namespace ActorStream.Hocon;

/// <summary>Path expressions: unquoted dots separate elements, quoted dots do not.</summary>
internal static class HoconPath
{
    public static string[] Parse(string expression, string origin)
    {
        List<Token> tokens;
        try
        {
            tokens = Tokenizer.Tokenize(expression, origin);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"invalid path expression '{expression}': {e.Message}", expression, origin, e);
        }

        return FromTokens(tokens.Where(t => t.Kind != TokenKind.End).ToList(), origin, expression);
    }

    /// <summary>Builds path elements from key tokens; leading and trailing whitespace is ignored, inner whitespace kept.</summary>
    public static string[] FromTokens(IReadOnlyList<Token> tokens, string origin, string? expression = null)
    {
        var first = 0;
        var last = tokens.Count - 1;
        while (first <= last && tokens[first].Kind == TokenKind.Whitespace)
        {
            first++;
        }

        while (last >= first && tokens[last].Kind == TokenKind.Whitespace)
        {
            last--;
        }

        var shown = expression ?? string.Concat(tokens.Select(t => t.Text));
        if (first > last)
        {
            throw ConfigException.Parse(origin, "expected a path expression, got nothing");
        }

        var elements = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        for (var i = first; i <= last; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.Quoted:
                    current.Append(token.Text);
                    hasContent = true;
                    break;
                case TokenKind.Whitespace:
                    current.Append(token.Text);
                    break;
                case TokenKind.Unquoted:
                case TokenKind.Number:
                    foreach (var c in token.Text)
                    {
                        if (c != '.')
                        {
                            current.Append(c);
                            hasContent = true;
                            continue;
                        }

                        if (!hasContent)
                        {
                            throw ConfigException.Parse(origin, $"invalid path '{shown}': empty path element (quote it as \"\" if intended)");
                        }

                        elements.Add(current.ToString());
                        current.Clear();
                        hasContent = false;
                    }

                    break;
                case TokenKind.Substitution:
                    throw ConfigException.Parse(origin, $"substitutions are not allowed in keys or paths ('{shown}')");
                default:
                    throw ConfigException.Parse(origin, $"invalid path '{shown}': unexpected {token.Describe()}");
            }
        }

        if (!hasContent)
        {
            throw ConfigException.Parse(origin, $"invalid path '{shown}': a path may not end with '.'");
        }

        elements.Add(current.ToString());
        return [.. elements];
    }

    /// <summary>Renders a path so that it parses back to the same elements.</summary>
    public static string Render(IEnumerable<string> elements) =>
        string.Join('.', elements.Select(RenderElement));

    public static string RenderElement(string element) =>
        element.Length > 0 && element.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && !char.IsAsciiDigit(element[0]) && element[0] != '-'
            ? element
            : Renderer.Quote(element);

    public static bool StartsWith(IReadOnlyList<string> path, IReadOnlyList<string> prefix)
    {
        if (prefix.Count > path.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!string.Equals(path[i], prefix[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
