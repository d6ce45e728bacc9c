using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.ApiVersions;
using Microsoft.Extensions.Logging;

namespace ActorStream.Kafka.Tests.Network;

/// <summary>Handler from a delegate.</summary>
internal sealed class DelegateHandler(Func<KafkaRequest, CancellationToken, ValueTask<KafkaResponse?>> handle) : IKafkaRequestHandler
{
    public static DelegateHandler ApiVersionsOnly { get; } = new((request, _) => ValueTask.FromResult<KafkaResponse?>(ApiVersionsResponder.Respond(request)));

    public ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken) => handle(request, cancellationToken);
}

/// <summary>Collects log lines; tests wait for one matching a predicate (no sleeping).</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Message)> _entries = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_gate)
                return [.. _entries];
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string message = formatter(state, exception);
        List<TaskCompletionSource<string>> fire = [];
        lock (_gate)
        {
            _entries.Add((logLevel, message));
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(message))
                {
                    fire.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in fire)
            done.TrySetResult(message);
    }

    public Task<string> WaitForAsync(Func<string, bool> match)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var (_, message) in _entries)
            {
                if (match(message))
                    return Task.FromResult(message);
            }

            _waiters.Add((match, done));
        }

        return done.Task.WaitAsync(NetworkTests.Timeout);
    }
}

/// <summary>A minimal Kafka client over a real socket, using our own codec.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private TestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<TestClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(endPoint).WaitAsync(NetworkTests.Timeout);
        return new TestClient(tcp);
    }

    public static byte[] Request(ApiKey key, short version, int correlationId, ProtocolStruct body, string? clientId = "test")
    {
        using var writer = new ProtocolWriter();
        KafkaFrames.WriteRequest(writer, new RequestHeader(key, version, correlationId, clientId), body);
        return writer.ToArray();
    }

    public static ProtocolStruct ApiVersionsBody()
    {
        var body = ApiVersionsMessages.Request.Create();
        body.SetString("ClientSoftwareName", "actorstream-tests");
        body.SetString("ClientSoftwareVersion", "1.0");
        return body;
    }

    /// <summary>An ApiVersions request at a version the codec cannot encode (v99): header v1 and an empty body.</summary>
    public static byte[] RawRequest(short apiKey, short version, int correlationId, ReadOnlySpan<byte> body)
    {
        var frame = new byte[4 + 2 + 2 + 4 + 2 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), apiKey);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), version);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), correlationId);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), -1); // null client id
        body.CopyTo(frame.AsSpan(14));
        return frame;
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(NetworkTests.Timeout);

    public Task SendApiVersionsAsync(short version, int correlationId)
        => SendAsync(Request(ApiKey.ApiVersions, version, correlationId, ApiVersionsBody()));

    /// <summary>The next response frame (after the size prefix).</summary>
    public async Task<byte[]> ReadFrameAsync()
    {
        var prefix = new byte[4];
        await _stream.ReadExactlyAsync(prefix).AsTask().WaitAsync(NetworkTests.Timeout);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await _stream.ReadExactlyAsync(frame).AsTask().WaitAsync(NetworkTests.Timeout);
        return frame;
    }

    public async Task<(int CorrelationId, ProtocolStruct Body)> ReadResponseAsync(ApiKey key, short version)
    {
        var frame = await ReadFrameAsync();
        var body = KafkaFrames.DecodeResponse(frame, key, version, out int correlationId);
        return (correlationId, body);
    }

    /// <summary>Completes when the server has closed the connection (end of stream or reset); data before it is discarded.</summary>
    public async Task<bool> WaitClosedAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int read = await _stream.ReadAsync(buffer).AsTask().WaitAsync(NetworkTests.Timeout);
                if (read == 0)
                    return true;
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A started listener on 127.0.0.1 port 0 with a capturing logger.</summary>
internal sealed class ListenerFixture : IAsyncDisposable
{
    public ListenerFixture(IKafkaRequestHandler handler, Action<KafkaListenerOptions>? configure = null)
    {
        var options = new KafkaListenerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        Listener = new KafkaListener(options, handler, Logger);
        Listener.Start();
    }

    public CapturingLogger Logger { get; } = new();

    public KafkaListener Listener { get; }

    public Task<TestClient> ConnectAsync() => TestClient.ConnectAsync(Listener.LocalEndPoint);

    public ValueTask DisposeAsync() => Listener.DisposeAsync();
}
