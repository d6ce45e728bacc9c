using System.Net;
using ActorStream.Hocon;
using ActorStream.Kafka.Protocol;

namespace ActorStream.Kafka.Network;

/// <summary>Settings of one Kafka listener (one per node).</summary>
public sealed class KafkaListenerOptions
{
    public const int DefaultPort = 9092;

    /// <summary>Address to bind; port 0 picks a free port (read it back from KafkaListener.LocalEndPoint).</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Any, DefaultPort);

    /// <summary>Host clients are told to connect to (Metadata, FindCoordinator); null means the bound address.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>Port clients are told to connect to; null means the bound port.</summary>
    public int? AdvertisedPort { get; set; }

    /// <summary>Largest accepted request frame (Kafka's socket.request.max.bytes); a larger one closes the connection.</summary>
    public int MaxFrameSize { get; set; } = KafkaFrames.DefaultMaxFrameSize;

    /// <summary>
    /// Requests read from one connection and not yet answered before the connection stops reading (backpressure,
    /// after Kafka's queued.max.requests).
    /// </summary>
    public int MaxInFlightRequestsPerConnection { get; set; } = 100;

    /// <summary>Pending-accept queue length of the listening socket.</summary>
    public int Backlog { get; set; } = 512;

    /// <summary>On stop, how long in-flight requests may take to be answered before their connections are aborted.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads actorstream.kafka.listener; a bad value is a <see cref="ConfigException"/> naming the key.</summary>
    public static KafkaListenerOptions FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string path = "actorstream.kafka.listener";
        var address = config.GetIPAddress($"{path}.host");
        int port = config.GetPort($"{path}.port");
        int advertisedPort = config.GetPort($"{path}.advertised-port");
        string advertisedHost = config.GetString($"{path}.advertised-host");
        long maxFrame = config.GetByteSize($"{path}.max-frame-size");
        if (maxFrame is < 1024 or > int.MaxValue)
            throw new ConfigException($"{path}.max-frame-size: expected a size between 1 KiB and 2 GiB, got {maxFrame} bytes", $"{path}.max-frame-size", null);
        int inFlight = config.GetInt($"{path}.max-in-flight-requests-per-connection");
        if (inFlight < 1)
            throw new ConfigException($"{path}.max-in-flight-requests-per-connection: expected a positive integer, got {inFlight}", $"{path}.max-in-flight-requests-per-connection", null);
        var grace = config.GetDuration($"{path}.shutdown-grace");
        if (grace < TimeSpan.Zero)
            throw new ConfigException($"{path}.shutdown-grace: expected a non-negative duration, got {grace}", $"{path}.shutdown-grace", null);
        int backlog = config.GetInt($"{path}.backlog");
        if (backlog < 1)
            throw new ConfigException($"{path}.backlog: expected a positive integer, got {backlog}", $"{path}.backlog", null);
        return new KafkaListenerOptions
        {
            EndPoint = new IPEndPoint(address, port),
            AdvertisedHost = advertisedHost.Length == 0 ? null : advertisedHost,
            AdvertisedPort = advertisedPort == 0 ? null : advertisedPort,
            MaxFrameSize = (int)maxFrame,
            MaxInFlightRequestsPerConnection = inFlight,
            Backlog = backlog,
            ShutdownGrace = grace,
        };
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlightRequestsPerConnection, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Backlog, 1);
        if (AdvertisedPort is { } port)
            ArgumentOutOfRangeException.ThrowIfNotEqual(port is > 0 and <= IPEndPoint.MaxPort, true, nameof(AdvertisedPort));
    }
}
