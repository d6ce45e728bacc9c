using System.Net;
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
