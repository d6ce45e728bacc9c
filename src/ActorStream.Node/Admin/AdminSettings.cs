using System.Net;
using ActorStream.Hocon;

namespace ActorStream.Node.Admin;

/// <summary>The admin HTTP API's settings (actorstream.node.admin in HOCON).</summary>
public sealed record AdminSettings(bool Enabled, IPEndPoint EndPoint)
{
    public const string Path = "actorstream.node.admin";

    public static AdminSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new AdminSettings(
            config.GetBoolean($"{Path}.enabled"),
            new IPEndPoint(config.GetIPAddress($"{Path}.host"), config.GetPort($"{Path}.port")));
    }
}
