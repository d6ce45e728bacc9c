using System.Text;
using ActorStream.Kafka.Protocol.Schema;

namespace ActorStream.Kafka.Protocol.Codec;

/// <summary>Readable one-line rendering of a struct for logs and test failures; records are shown by length only.</summary>
internal static class ProtocolStructFormatter
{
    public static string Format(ProtocolStruct value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, ProtocolStruct value)
    {
        sb.Append(value.Schema.Name).Append('(');
        for (int i = 0; i < value.Schema.Fields.Count; i++)
        {
            var field = value.Schema.Fields[i];
            if (i > 0)
                sb.Append(", ");
            sb.Append(field.Name).Append('=');
            AppendValue(sb, field.Kind, value.GetValue(i));
        }

        sb.Append(')');
    }

    private static void AppendValue(StringBuilder sb, FieldKind kind, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case ProtocolStruct nested:
                Append(sb, nested);
                break;
            case List<ProtocolStruct> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    Append(sb, list[i]);
                }

                sb.Append(']');
                break;
            case ReadOnlyMemory<byte> bytes:
                sb.Append(kind == FieldKind.Records ? "records[" : "bytes[").Append(bytes.Length).Append(']');
                break;
            case string text:
                sb.Append('"').Append(text).Append('"');
                break;
            case System.Collections.IEnumerable items:
                sb.Append('[').AppendJoin(", ", items.Cast<object>()).Append(']');
                break;
            default:
                sb.Append(value);
                break;
        }
    }
}
