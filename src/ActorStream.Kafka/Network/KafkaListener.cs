using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorStream.Kafka.Network;

/// <summary>
/// The Kafka listener of one node: binds a TCP endpoint, accepts connections and runs one
/// <see cref="KafkaConnection"/> per socket, all sharing one <see cref="IKafkaRequestHandler"/>. A connection that
/// misbehaves is closed alone; the listener and every other connection carry on.
/// </summary>
public sealed class KafkaListener : IAsyncDisposable
{
    private readonly KafkaListenerOptions _options;
    private readonly IKafkaRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, KafkaConnection> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly Lock _gate = new();
    private Socket? _socket;
    private Task? _acceptLoop;
    private Task? _stop;
    private long _nextConnectionId;

    public KafkaListener(KafkaListenerOptions options, IKafkaRequestHandler handler, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _handler = handler;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The bound endpoint (the real port when the options asked for port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_socket?.LocalEndPoint ?? throw new InvalidOperationException("The listener has not been started.");

    /// <summary>Where clients are told to connect: the configured advertised host and port, else the bound ones.</summary>
    public DnsEndPoint AdvertisedEndPoint
    {
        get
        {
            var bound = LocalEndPoint;
            string host = _options.AdvertisedHost
                ?? (bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : bound.Address.ToString());
            return new DnsEndPoint(host, _options.AdvertisedPort ?? bound.Port);
        }
    }

    /// <summary>Connections open right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds, listens and starts accepting connections.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_socket is not null || _stop is not null)
                throw new InvalidOperationException("A listener starts once.");
            var socket = new Socket(_options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (_options.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 && _options.EndPoint.Address.Equals(IPAddress.IPv6Any))
                    socket.DualMode = true;
                socket.Bind(_options.EndPoint);
                socket.Listen(_options.Backlog);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _socket = socket;
        }

        var advertised = AdvertisedEndPoint;
        _logger.LogInformation("Kafka listener listening on {EndPoint} (advertised to clients as {Host}:{Port})", LocalEndPoint, advertised.Host, advertised.Port);
        _acceptLoop = AcceptLoopAsync(_socket, _stopAccepting.Token);
    }

    private async Task AcceptLoopAsync(Socket listening, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listening.AcceptAsync(token);
            }
            catch (Exception e) when (token.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            catch (SocketException e)
            {
                // A client that reset before we accepted it, or a momentary shortage of descriptors: keep accepting.
                _logger.LogWarning("Kafka listener on {EndPoint} could not accept a connection: {Reason}", listening.LocalEndPoint, e.Message);
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }

            socket.NoDelay = true;
            long id = Interlocked.Increment(ref _nextConnectionId);
            KafkaConnection connection;
            try
            {
                connection = new KafkaConnection(id, socket, _handler, _options, _logger);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Gone before it could be set up (RemoteEndPoint of a reset socket).
                socket.Dispose();
                _logger.LogDebug("Kafka listener dropped connection {Id} before it started: {Reason}", id, e.Message);
                continue;
            }

            _connections[id] = connection;
            _ = RunConnectionAsync(connection);
        }
    }

    private async Task RunConnectionAsync(KafkaConnection connection)
    {
        try
        {
            await connection.RunAsync();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Kafka {Connection} failed", connection.Info);
        }
        finally
        {
            _connections.TryRemove(connection.Info.Id, out _);
        }
    }

    /// <summary>
    /// Stops accepting (the port is released), then closes every connection gracefully: requests already read are
    /// answered first. When <paramref name="cancellationToken"/> fires first, the remaining connections are aborted.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return _stop ??= StopCoreAsync(cancellationToken);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (socket is null)
            return;
        await _stopAccepting.CancelAsync();
        var endPoint = socket.LocalEndPoint;
        socket.Dispose();
        if (_acceptLoop is not null)
            await _acceptLoop;

        var connections = _connections.Values.ToArray();
        _logger.LogInformation("Kafka listener on {EndPoint} stopped accepting; closing {Count} connections", endPoint, connections.Length);
        foreach (var connection in connections)
            connection.Stop("the broker's listener is shutting down");
        var all = Task.WhenAll(connections.Select(c => c.Completion));
        try
        {
            await all.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var connection in connections)
                connection.Abort("the broker's listener is shutting down (graceful close timed out)");
            await all;
        }

        _stopAccepting.Dispose();
        _logger.LogInformation("Kafka listener on {EndPoint} stopped", endPoint);
    }

    /// <summary>
    /// Stops, giving in-flight requests <see cref="KafkaListenerOptions.ShutdownGrace"/> to be answered (a long-polling
    /// fetch may wait for minutes) before the remaining connections are aborted.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(_options.ShutdownGrace);
        await StopAsync(grace.Token);
    }
}
