using System.Globalization;
using System.Text;

namespace ActorStream.Hocon;

/// <summary>Readable, JSON-compatible text of a resolved tree (keys quoted only when needed).</summary>
internal static class Renderer
{
    public static string Render(HoconObject root)
    {
        var sb = new StringBuilder();
        Write(sb, root, 0);
        sb.Append('\n');
        return sb.ToString();
    }

    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static void Write(StringBuilder sb, HoconValue value, int indent)
    {
        switch (value)
        {
            case HoconObject obj:
                if (obj.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }

                sb.Append("{\n");
                foreach (var key in obj.Keys)
                {
                    obj.TryGet(key, out var field);
                    sb.Append(' ', indent + 4).Append(HoconPath.RenderElement(key)).Append(" : ");
                    Write(sb, field!, indent + 4);
                    sb.Append('\n');
                }

                sb.Append(' ', indent).Append('}');
                return;
            case HoconArray array:
                sb.Append('[');
                for (var i = 0; i < array.Items.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    Write(sb, array.Items[i], indent);
                }

                sb.Append(']');
                return;
            case HoconScalar { Kind: ScalarKind.String } s:
                sb.Append(Quote(s.Text));
                return;
            case HoconScalar s:
                sb.Append(s.Text);
                return;
            default:
                sb.Append("<unresolved>");
                return;
        }
    }
}
