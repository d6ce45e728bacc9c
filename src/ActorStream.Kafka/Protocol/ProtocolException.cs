namespace ActorStream.Kafka.Protocol;

/// <summary>
/// Malformed or unencodable protocol data. Carries the field path and byte offset so a broker can log exactly
/// where a client's request went wrong; every decoding failure surfaces as this type and no other.
/// </summary>
public class ProtocolException : Exception
{
    private readonly List<string> _path = [];

    public ProtocolException()
    {
    }

    public ProtocolException(string message)
        : base(message)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProtocolException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>Byte offset in the decoded buffer where the problem was found, or -1 when not applicable.</summary>
    public int Offset { get; } = -1;

    /// <summary>Dotted path of the field being read or written, outermost first (e.g. TopicData.PartitionData.Records).</summary>
    public string FieldPath
    {
        get
        {
            var sb = new System.Text.StringBuilder();
            for (int i = _path.Count - 1; i >= 0; i--)
            {
                if (sb.Length > 0 && !_path[i].StartsWith('['))
                    sb.Append('.');
                sb.Append(_path[i]);
            }

            return sb.ToString();
        }
    }

    public override string Message
    {
        get
        {
            string where = _path.Count == 0 ? string.Empty : $" (field {FieldPath}";
            if (Offset >= 0)
                where += where.Length == 0 ? $" (at offset {Offset})" : $", offset {Offset})";
            else if (where.Length > 0)
                where += ")";
            return base.Message + where;
        }
    }

    // Filled innermost-first while the exception unwinds through nested structs: no cost on the happy path.
    internal void AddPathSegment(string name) => _path.Add(name);
}

/// <summary>An API key or version the codec has no description for, or a field the chosen version cannot carry.</summary>
public sealed class UnsupportedVersionException : ProtocolException
{
    public UnsupportedVersionException()
    {
    }

    public UnsupportedVersionException(string message)
        : base(message)
    {
    }

    public UnsupportedVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
