namespace ActorStream.Hocon;

/// <summary>
/// Builds the unresolved tree from tokens. Duplicate keys and includes are merged here;
/// substitutions stay in the tree until <see cref="Resolver"/> runs against the whole root.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> tokens;
    private readonly string originName;
    private readonly Includer includer;
    private int pos;

    private Parser(List<Token> tokens, string originName, Includer includer)
    {
        this.tokens = tokens;
        this.originName = originName;
        this.includer = includer;
    }

    public static HoconObject Parse(string text, string originName, Includer includer)
    {
        var parser = new Parser(Tokenizer.Tokenize(text, originName), originName, includer);
        return parser.ParseDocument();
    }

    private Token Current => tokens[pos];

    private string Origin(Token token) => $"{originName}:{token.Line}";

    private HoconObject ParseDocument()
    {
        SkipWhitespace(newlines: true);
        HoconObject root;
        if (Current.Kind == TokenKind.OpenBrace)
        {
            root = ParseBracedObject([]);
        }
        else if (Current.Kind == TokenKind.OpenBracket)
        {
            throw Error(Current, "the root of a config must be an object, not a list");
        }
        else
        {
            root = ParseFields(closing: false, [], Origin(Current));
        }

        SkipWhitespace(newlines: true);
        if (Current.Kind != TokenKind.End)
        {
            throw Error(Current, Current.Kind == TokenKind.CloseBrace
                ? "unbalanced '}' (no matching '{')"
                : $"expected end of input, got {Current.Describe()}");
        }

        return root;
    }

    private HoconObject ParseBracedObject(IReadOnlyList<string> prefix)
    {
        var open = Current;
        pos++;
        var result = ParseFields(closing: true, prefix, Origin(open));
        pos++;
        return result;
    }

    // Parses fields up to '}' (closing) or end of input; the caller consumes the '}'.
    private HoconObject ParseFields(bool closing, IReadOnlyList<string> prefix, string origin)
    {
        var result = new HoconObject(origin);
        while (true)
        {
            SkipWhitespace(newlines: true);
            var token = Current;
            if (token.Kind == TokenKind.CloseBrace)
            {
                if (!closing)
                {
                    throw Error(token, "unbalanced '}' (no matching '{')");
                }

                return result;
            }

            if (token.Kind == TokenKind.End)
            {
                if (closing)
                {
                    throw Error(token, "expected '}' to close the object, got end of input");
                }

                return result;
            }

            if (token.Kind == TokenKind.Unquoted && token.Text == "include")
            {
                ParseInclude(result, prefix);
            }
            else
            {
                ParseField(result, prefix);
            }

            SkipWhitespace(newlines: false);
            var after = Current;
            if (after.Kind == TokenKind.Comma)
            {
                pos++;
                SkipWhitespace(newlines: true);
                if (Current.Kind == TokenKind.Comma)
                {
                    throw Error(Current, "two commas in a row");
                }
            }
            else if (after.Kind is not (TokenKind.Newline or TokenKind.CloseBrace or TokenKind.End))
            {
                throw Error(after, $"expected ',' or a newline after a field, got {after.Describe()}");
            }
        }
    }

    private void ParseField(HoconObject target, IReadOnlyList<string> prefix)
    {
        var keyStart = Current;
        var keyTokens = new List<Token>();
        while (Current.Kind is TokenKind.Unquoted or TokenKind.Quoted or TokenKind.Number or TokenKind.Whitespace)
        {
            keyTokens.Add(Current);
            pos++;
        }

        if (keyTokens.Count == 0)
        {
            throw Error(Current, $"expected a key, got {Current.Describe()}");
        }

        if (Current.Kind == TokenKind.Substitution)
        {
            throw Error(Current, "substitutions are not allowed in keys");
        }

        var key = HoconPath.FromTokens(keyTokens, Origin(keyStart));
        var separator = Current;
        switch (separator.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals or TokenKind.PlusEquals:
                pos++;
                SkipWhitespace(newlines: true);
                break;
            case TokenKind.OpenBrace:
                break;
            default:
                throw Error(separator, $"expected ':', '=' or '{{' after key '{HoconPath.Render(key)}', got {separator.Describe()}");
        }

        var fieldPath = prefix.Concat(key).ToArray();
        var value = ParseValue(fieldPath);
        if (separator.Kind == TokenKind.PlusEquals)
        {
            // a += b means a = ${?a} [b]
            var origin = Origin(separator);
            value = new HoconConcatenation(
                [new HoconSubstitution(fieldPath, optional: true, origin), new HoconArray([value], origin)],
                origin);
        }

        for (var i = key.Length - 1; i > 0; i--)
        {
            var wrapper = new HoconObject(value.Origin);
            wrapper.Set(key[i], value);
            value = wrapper;
        }

        target.MergeField(key[0], value);
    }

    private HoconValue ParseValue(IReadOnlyList<string> fieldPath)
    {
        var first = Current;
        var pieces = new List<HoconValue>();
        var hasSubstitution = false;
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Quoted:
                case TokenKind.Unquoted:
                    pieces.Add(HoconScalar.String(token.Text, Origin(token)));
                    pos++;
                    continue;
                case TokenKind.Number:
                    pieces.Add(new HoconScalar(ScalarKind.Number, token.Text, Origin(token)));
                    pos++;
                    continue;
                case TokenKind.Substitution:
                    pieces.Add(new HoconSubstitution(HoconPath.Parse(token.Text, Origin(token)), token.Optional, Origin(token)));
                    hasSubstitution = true;
                    pos++;
                    continue;
                case TokenKind.OpenBrace:
                    pieces.Add(ParseBracedObject(fieldPath));
                    continue;
                case TokenKind.OpenBracket:
                    pieces.Add(ParseArray(fieldPath));
                    continue;
                case TokenKind.Whitespace when pieces.Count > 0 && tokens[pos + 1].StartsValue:
                    // Whitespace between two values on one line is part of a concatenation.
                    pieces.Add(new HoconScalar(ScalarKind.String, token.Text, Origin(token), isWhitespace: true));
                    pos++;
                    continue;
            }

            break;
        }

        if (pieces.Count == 0)
        {
            throw Error(first, $"expected a value, got {first.Describe()}");
        }

        if (pieces.Count == 1)
        {
            return first.Kind == TokenKind.Unquoted ? Keyword(first) : pieces[0];
        }

        var origin = Origin(first);
        return hasSubstitution
            ? new HoconConcatenation(pieces, origin)
            : ValueMerger.Concatenate(pieces, origin, HoconPath.Render(fieldPath))!;
    }

    // A lone unquoted true/false/null keeps its type; inside a concatenation it is just text.
    private HoconScalar Keyword(Token token) => token.Text switch
    {
        "true" or "false" => new HoconScalar(ScalarKind.Boolean, token.Text, Origin(token)),
        "null" => HoconScalar.Null(Origin(token)),
        _ => HoconScalar.String(token.Text, Origin(token)),
    };

    private HoconArray ParseArray(IReadOnlyList<string> fieldPath)
    {
        var open = Current;
        pos++;
        var items = new List<HoconValue>();
        while (true)
        {
            SkipWhitespace(newlines: true);
            if (Current.Kind == TokenKind.CloseBracket)
            {
                pos++;
                return new HoconArray(items, Origin(open));
            }

            if (Current.Kind == TokenKind.End)
            {
                throw Error(Current, "expected ']' to close the list, got end of input");
            }

            items.Add(ParseValue(fieldPath));
            SkipWhitespace(newlines: false);
            var after = Current;
            if (after.Kind == TokenKind.Comma)
            {
                pos++;
                SkipWhitespace(newlines: true);
                if (Current.Kind == TokenKind.Comma)
                {
                    throw Error(Current, "two commas in a row");
                }
            }
            else if (after.Kind == TokenKind.End)
            {
                throw Error(after, "expected ']' to close the list, got end of input");
            }
            else if (after.Kind is not (TokenKind.Newline or TokenKind.CloseBracket))
            {
                throw Error(after, $"expected ',', a newline or ']' in a list, got {after.Describe()}");
            }
        }
    }

    private void ParseInclude(HoconObject target, IReadOnlyList<string> prefix)
    {
        var includeToken = Current;
        pos++;
        SkipWhitespace(newlines: true);
        var opener = CollectUnquoted();
        if (Current.Kind != TokenKind.Quoted)
        {
            throw Error(Current, $"include must be followed by a quoted name, file(\"...\"), classpath(\"...\") or required(...), got {Current.Describe()}");
        }

        var name = Current.Text;
        pos++;
        var required = opener.StartsWith("required(", StringComparison.Ordinal);
        var kind = required ? opener["required(".Length..] : opener;
        kind = kind switch
        {
            "" or "file(" or "classpath(" or "url(" => kind.TrimEnd('('),
            _ => throw Error(includeToken, $"unknown include form '{opener}', expected file(, classpath(, url( or required("),
        };
        var closer = opener.Count(c => c == '(');
        if (closer > 0 && CollectUnquoted() != new string(')', closer))
        {
            throw Error(Current, $"expected {new string(')', closer)} to close the include of \"{name}\"");
        }

        var included = includer.Include(kind, name, required, Origin(includeToken));
        if (included is null)
        {
            return;
        }

        foreach (var key in included.Keys)
        {
            included.TryGet(key, out var value);
            target.MergeField(key, prefix.Count == 0 ? value! : Relocate(value!, prefix));
        }
    }

    // Reads unquoted pieces such as "required(file(" that may be split by whitespace.
    private string CollectUnquoted()
    {
        var text = "";
        while (Current.Kind is TokenKind.Unquoted or TokenKind.Whitespace)
        {
            if (Current.Kind == TokenKind.Unquoted)
            {
                text += Current.Text;
            }

            pos++;
        }

        return text;
    }

    /// <summary>Substitutions in an included file are relative to where it was included (spec "fixed up").</summary>
    private static HoconValue Relocate(HoconValue value, IReadOnlyList<string> prefix)
    {
        switch (value)
        {
            case HoconSubstitution substitution:
                return substitution.WithPrefix(prefix);
            case HoconConcatenation concatenation:
                return new HoconConcatenation(concatenation.Pieces.Select(p => Relocate(p, prefix)).ToList(), concatenation.Origin);
            case HoconMerge merge:
                return HoconMerge.Create(merge.Layers.Select(l => Relocate(l, prefix)));
            case HoconArray array:
                return new HoconArray(array.Items.Select(i => Relocate(i, prefix)).ToList(), array.Origin);
            case HoconObject obj:
                var copy = new HoconObject(obj.Origin) { IgnoresFallbacks = obj.IgnoresFallbacks };
                foreach (var key in obj.Keys)
                {
                    obj.TryGet(key, out var field);
                    copy.Set(key, Relocate(field!, prefix));
                }

                return copy;
            default:
                return value;
        }
    }

    private void SkipWhitespace(bool newlines)
    {
        while (Current.Kind == TokenKind.Whitespace || (newlines && Current.Kind == TokenKind.Newline))
        {
            pos++;
        }
    }

    private ConfigException Error(Token token, string message) => ConfigException.Parse(Origin(token), message);
}
