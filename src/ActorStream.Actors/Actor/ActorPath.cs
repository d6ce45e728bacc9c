using System.Text;

namespace ActorStream.Actors;

/// <summary>Where an actor system lives: protocol, system name and (once remoting exists) host and port.</summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    public const string DefaultProtocol = "actorstream";

    public bool HasLocalScope => Host is null;

    public override string ToString() =>
        Host is null ? $"{Protocol}://{System}" : $"{Protocol}://{System}@{Host}:{Port}";
}

/// <summary>
/// The logical location of an actor. Equality ignores the incarnation uid (as in Akka): two incarnations
/// of "/user/a" have equal paths but distinct refs, which is what protects against stale messages.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    public const long UndefinedUid = 0;

    private readonly string[] _elements;

    private ActorPath(Address address, string[] elements, long uid)
    {
        Address = address;
        _elements = elements;
        Uid = uid;
    }

    public static ActorPath Root(Address address) => new(address, [], UndefinedUid);

    public Address Address { get; }

    /// <summary>Incarnation id; 0 when unknown (e.g. a path parsed from text).</summary>
    public long Uid { get; }

    public IReadOnlyList<string> Elements => _elements;

    public string Name => _elements.Length == 0 ? "" : _elements[^1];

    public ActorPath? Parent => _elements.Length == 0 ? null : new ActorPath(Address, _elements[..^1], UndefinedUid);

    public ActorPath Child(string name) => new(Address, [.. _elements, name], UndefinedUid);

    public ActorPath WithUid(long uid) => new(Address, _elements, uid);

    public ActorPath Root() => new(Address, [], UndefinedUid);

    public static ActorPath operator /(ActorPath path, string name) => path.Child(name);

    /// <summary>Parses "actorstream://system/user/a/b" or "actorstream://system@host:port/user/a".</summary>
    public static ActorPath Parse(string text)
    {
        if (!TryParse(text, out var path))
        {
            throw new FormatException($"'{text}' is not an actor path; expected the form actorstream://system/user/name");
        }

        return path;
    }

    public static bool TryParse(string text, out ActorPath path)
    {
        path = null!;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return false;
        }

        var protocol = text[..schemeEnd];
        var rest = text[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var pathPart = slash < 0 ? "" : rest[(slash + 1)..];
        if (authority.Length == 0)
        {
            return false;
        }

        Address address;
        var at = authority.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            address = new Address(protocol, authority);
        }
        else
        {
            var hostPort = authority[(at + 1)..];
            var colon = hostPort.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], out var port))
            {
                return false;
            }

            address = new Address(protocol, authority[..at], hostPort[..colon], port);
        }

        var uid = UndefinedUid;
        var hash = pathPart.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            if (!long.TryParse(pathPart[(hash + 1)..], out uid))
            {
                return false;
            }

            pathPart = pathPart[..hash];
        }

        var elements = pathPart.Split('/', StringSplitOptions.RemoveEmptyEntries);
        path = new ActorPath(address, elements, uid);
        return true;
    }

    public string ToStringWithoutAddress() => _elements.Length == 0 ? "/" : "/" + string.Join('/', _elements);

    public string ToSerializationFormat() => Uid == UndefinedUid ? ToString() : $"{this}#{Uid}";

    public override string ToString()
    {
        var sb = new StringBuilder(Address.ToString());
        if (_elements.Length == 0)
        {
            sb.Append('/');
        }

        foreach (var element in _elements)
        {
            sb.Append('/').Append(element);
        }

        return sb.ToString();
    }

    public bool Equals(ActorPath? other) =>
        other is not null && Address == other.Address && _elements.AsSpan().SequenceEqual(other._elements);

    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Address);
        foreach (var e in _elements)
        {
            hash.Add(e, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>Actor names may not contain '/', '#', whitespace, and user names may not start with '$'.</summary>
    internal static void ValidateName(string name, bool allowSystemPrefix)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidActorNameException("Actor name must not be empty.");
        }

        if (!allowSystemPrefix && name[0] == '$')
        {
            throw new InvalidActorNameException($"Actor name [{name}] is illegal: names starting with '$' are reserved for the system.");
        }

        foreach (var c in name)
        {
            if (c is '/' or '#' or '?' or '%' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new InvalidActorNameException(
                    $"Actor name [{name}] is illegal: it contains '{c}'; use letters, digits and -_.*$+:@&=,!~';");
            }
        }
    }
}
