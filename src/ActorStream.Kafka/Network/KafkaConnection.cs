using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorStream.Kafka.Network;

/// <summary>
/// One client connection: reads size-prefixed request frames from a <see cref="PipeReader"/>, decodes each and hands
/// it to the <see cref="IKafkaRequestHandler"/> at once (requests of one connection are handled concurrently), and
/// writes the responses through a <see cref="PipeWriter"/> strictly in request order. A frame that cannot be
/// decoded closes the connection with a logged reason, as Kafka does; nothing else is affected.
/// </summary>
/// <remarks>
/// Ordering: every dispatched request appends its pending response (a <see cref="ValueTask{TResult}"/>) to a FIFO
/// channel; one writer loop takes them in order and awaits each, so a slow first request holds back the ones after
/// it and a null response (acks=0) simply drops out. Backpressure: a semaphore bounds the requests read but not yet
/// answered; when it is exhausted the read loop stops reading and TCP flow control pushes back on the client.
/// </remarks>
public sealed class KafkaConnection : IAsyncDisposable
{
    /// <summary>Response segments at least this long (record sets) go straight to the socket, not through the pipe's buffers.</summary>
    internal const int DirectWriteThreshold = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly IKafkaRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly int _maxFrameSize;
    private readonly SemaphoreSlim _inFlight;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    // _stopReading ends the read loop (graceful: pending responses are still written); _abort also cancels
    // handlers and writes. Abort implies stop.
    private readonly CancellationTokenSource _stopReading = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ProtocolWriter _encoder = new(initialCapacity: 4096);
    private readonly List<ReadOnlyMemory<byte>> _segments = [];
    private readonly Lock _closeGate = new();
    private string? _closeReason;
    private LogLevel _closeLevel;
    private Task? _run;

    public KafkaConnection(long id, Socket socket, IKafkaRequestHandler handler, KafkaListenerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _socket = socket;
        _handler = handler;
        _logger = logger ?? NullLogger.Instance;
        _maxFrameSize = options.MaxFrameSize;
        _inFlight = new SemaphoreSlim(options.MaxInFlightRequestsPerConnection, options.MaxInFlightRequestsPerConnection);
        Info = new KafkaConnectionInfo(id, socket.RemoteEndPoint, socket.LocalEndPoint);
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
    }

    public KafkaConnectionInfo Info { get; }

    /// <summary>Why the connection closed (or is closing); null while it is open.</summary>
    public string? CloseReason
    {
        get
        {
            lock (_closeGate)
                return _closeReason;
        }
    }

    /// <summary>Completes when the connection has closed and released everything.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>Starts reading requests; returns <see cref="Completion"/>.</summary>
    public Task RunAsync()
    {
        // Claimed first, started after: the run may execute handlers synchronously, never under a lock.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RunAfterAsync(start.Task);
        if (Interlocked.CompareExchange(ref _run, run, null) is not null)
            throw new InvalidOperationException("The connection is already running or disposed.");
        start.SetResult();
        return run;
    }

    /// <summary>Graceful close: stop reading; requests already read are answered, then the socket closes.</summary>
    public void Stop(string reason) => BeginClose(reason, LogLevel.Debug, abort: false);

    /// <summary>Immediate close: handlers are cancelled and unwritten responses dropped.</summary>
    public void Abort(string reason) => BeginClose(reason, LogLevel.Information, abort: true);

    public async ValueTask DisposeAsync()
    {
        Abort("the connection was disposed");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Interlocked.CompareExchange(ref _run, release.Task, null);
        if (run is null)
        {
            // Never started: nothing else will release the socket.
            await ReleaseAsync();
            release.SetResult();
        }
        else
        {
            await run;
        }
    }

    private async Task RunAfterAsync(Task start)
    {
        await start;
        await RunCoreAsync();
    }

    private async Task RunCoreAsync()
    {
        _logger.LogDebug("Kafka {Connection} accepted on {Local}", Info, Info.LocalEndPoint);
        // Both loops start at once; neither throws.
        var writing = Task.Run(WriteLoopAsync);
        await ReadLoopAsync();
        _pending.Writer.TryComplete();
        await writing;

        string reason;
        LogLevel level;
        lock (_closeGate)
        {
            _closeReason ??= "closed";
            reason = _closeReason;
            level = _closeLevel;
        }

        // Logged before the socket closes, so whoever sees the close can also find the reason.
        _logger.Log(level, "Kafka {Connection} closed: {Reason}", Info, reason);
        await ReleaseAsync();
    }

    private async Task ReleaseAsync()
    {
        await _input.CompleteAsync();
        await _output.CompleteAsync();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing to shut down.
        }
        catch (ObjectDisposedException)
        {
        }

        await _stream.DisposeAsync();
        _encoder.Dispose();
        _inFlight.Dispose();
        lock (_closeGate)
        {
            _stopReading.Dispose();
            _abort.Dispose();
        }
    }

    private void BeginClose(string reason, LogLevel level, bool abort)
    {
        lock (_closeGate)
        {
            if (_closeReason is null)
            {
                _closeReason = reason;
                _closeLevel = level;
            }

            // Cancel runs callbacks inline (a pending read completes on another thread, as pipes schedule it); the
            // lock only makes it safe against disposal at the end of the run.
            try
            {
                _stopReading.Cancel();
                if (abort)
                    _abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }

    private bool IsAborted => _abort.IsCancellationRequested;

    // ---- reading ----------------------------------------------------------------------------------------------

    private async Task ReadLoopAsync()
    {
        var token = _stopReading.Token;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(token);
                var buffer = result.Buffer;
                bool closing = false;
                try
                {
                    while (true)
                    {
                        int length = ReadFrameLength(buffer);
                        if (length == NeedMore || buffer.Length - KafkaFrames.SizePrefixLength < length)
                            break;
                        if (length < 0)
                        {
                            closing = true;
                            break;
                        }

                        // Backpressure: at the bound, stop reading until the writer has answered one.
                        if (!_inFlight.Wait(0))
                            await _inFlight.WaitAsync(token);
                        var frame = buffer.Slice(KafkaFrames.SizePrefixLength, length);
                        buffer = buffer.Slice(frame.End);
                        if (!Dispatch(frame))
                        {
                            _inFlight.Release();
                            closing = true;
                            break;
                        }
                    }
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (closing)
                    return;
                if (result.IsCompleted)
                {
                    if (buffer.IsEmpty)
                        BeginClose("the client closed the connection", LogLevel.Debug, abort: true);
                    else
                        BeginClose($"the client closed the connection in the middle of a request ({buffer.Length} bytes of an incomplete frame were received)", LogLevel.Warning, abort: true);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stop or abort: the reason is recorded already.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            BeginClose($"the connection was lost while reading ({(e.InnerException ?? e).Message})", LogLevel.Information, abort: true);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Kafka {Connection}: unexpected failure while reading", Info);
            BeginClose($"internal error while reading requests: {e.Message}", LogLevel.Error, abort: true);
        }
    }

    private const int NeedMore = -1;
    private const int Invalid = -2;

    /// <summary>The frame length after the prefix; <see cref="NeedMore"/>; or <see cref="Invalid"/> after closing.</summary>
    private int ReadFrameLength(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < KafkaFrames.SizePrefixLength)
            return NeedMore;
        Span<byte> prefix = stackalloc byte[KafkaFrames.SizePrefixLength];
        buffer.Slice(0, KafkaFrames.SizePrefixLength).CopyTo(prefix);
        int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0)
        {
            Fail($"the client sent a negative request size ({length}): not a Kafka client, or a corrupted stream");
            return Invalid;
        }

        if (length > _maxFrameSize)
        {
            Fail($"the client sent a request of {length} bytes, larger than the maximum of {_maxFrameSize} (socket.request.max.bytes)");
            return Invalid;
        }

        return length;
    }

    /// <summary>Protocol violation: stop reading; responses to the requests before it are still written.</summary>
    private void Fail(string reason) => BeginClose(reason, LogLevel.Warning, abort: false);

    /// <summary>Copies the frame out of the pipe, decodes it and starts its handler. False when the connection must close.</summary>
    private bool Dispatch(in ReadOnlySequence<byte> frameBytes)
    {
        int length = (int)frameBytes.Length;
        // The one copy: pipe memory is reused once advanced past, but the request lives until its response is written.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        frameBytes.CopyTo(buffer);
        var frame = buffer.AsMemory(0, length);

        RequestHeader header;
        int headerLength;
        try
        {
            header = KafkaFrames.ReadRequestHeader(frame, out headerLength);
        }
        catch (ProtocolException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Fail($"the client sent a request whose header cannot be decoded ({length}-byte frame): {e.Message}");
            return false;
        }

        var api = ApiCatalog.Find((short)header.ApiKey);
        if (api is null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Fail($"the client sent a request with unknown API key {(short)header.ApiKey} (correlation id {header.CorrelationId}, client id '{header.ClientId}')");
            return false;
        }

        if (!api.IsSupported(header.ApiVersion))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (api.Key == ApiKey.ApiVersions)
            {
                // As Kafka: answer in v0 form with UNSUPPORTED_VERSION and our versions, and keep the connection.
                _logger.LogDebug("Kafka {Connection}: ApiVersions v{Version} is unknown; answering v0 with UNSUPPORTED_VERSION", Info, header.ApiVersion);
                Enqueue(new Pending(null, header.ApiKey, header.ApiVersion, header.CorrelationId, new ValueTask<KafkaResponse?>(ApiVersionsResponder.ForUnsupportedVersion())));
                return true;
            }

            Fail($"the client sent {api.Name} v{header.ApiVersion}, which this broker does not support (v{api.MinVersion}-v{api.MaxVersion}; correlation id {header.CorrelationId}, client id '{header.ClientId}')");
            return false;
        }

        ProtocolStruct body;
        try
        {
            body = MessageCodec.Decode(api.Request, header.ApiVersion, frame[headerLength..]);
        }
        catch (ProtocolException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Fail($"the client sent a malformed {api.Name} v{header.ApiVersion} request (correlation id {header.CorrelationId}, client id '{header.ClientId}'): {e.Message}");
            return false;
        }

        var request = new KafkaRequest(Info, header, body, buffer, length);
        ValueTask<KafkaResponse?> response;
        try
        {
            response = _handler.HandleAsync(request, _abort.Token);
        }
        catch (Exception e)
        {
            response = ValueTask.FromException<KafkaResponse?>(e);
        }

        Enqueue(new Pending(request, header.ApiKey, header.ApiVersion, header.CorrelationId, response));
        return true;
    }

    private void Enqueue(in Pending pending)
    {
        // Unbounded and completed only by the read loop after its last Enqueue: cannot fail.
        bool written = _pending.Writer.TryWrite(pending);
        System.Diagnostics.Debug.Assert(written, "the pending-response channel refused a write");
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var pending))
            {
                // About to wait for a handler: first put what is ready on the wire.
                if (!pending.Response.IsCompleted)
                    await FlushAsync();

                KafkaResponse? response = null;
                try
                {
                    response = await pending.Response;
                    if (response is not null && !IsAborted)
                        await WriteResponseAsync(pending, response);
                }
                catch (OperationCanceledException) when (IsAborted)
                {
                    // The handler saw the connection's cancellation.
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
                {
                    BeginClose($"the connection was lost while writing ({(e.InnerException ?? e).Message})", LogLevel.Information, abort: true);
                }
                catch (ProtocolException e) when (!IsAborted)
                {
                    // The handler refused the request as a protocol violation (an API this broker does not serve):
                    // the client's fault, so a warning, and the connection closes as Kafka's does.
                    BeginClose($"{pending.ApiKey} v{pending.ApiVersion} (correlation id {pending.CorrelationId}) refused: {e.Message}", LogLevel.Warning, abort: true);
                }
                catch (Exception e) when (!IsAborted)
                {
                    // A handler or encoding failure is a broker bug; the client would wait forever for this
                    // correlation id, so close (Kafka answers with an error; we have no generic error response).
                    _logger.LogError(e, "Kafka {Connection}: {Api} v{Version} (correlation id {CorrelationId}) failed", Info, pending.ApiKey, pending.ApiVersion, pending.CorrelationId);
                    BeginClose($"the broker failed to answer {pending.ApiKey} v{pending.ApiVersion} (correlation id {pending.CorrelationId}): {e.Message}", LogLevel.Error, abort: true);
                }
                catch (Exception)
                {
                    // Aborting anyway.
                }
                finally
                {
                    response?.Lease?.Dispose();
                    pending.Request?.Release();
                    _inFlight.Release();
                }
            }

            await FlushAsync();
        }
    }

    private async ValueTask FlushAsync()
    {
        if (IsAborted || _output.UnflushedBytes == 0)
            return;
        try
        {
            await _output.FlushAsync(_abort.Token);
        }
        catch (OperationCanceledException) when (IsAborted)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            BeginClose($"the connection was lost while writing ({(e.InnerException ?? e).Message})", LogLevel.Information, abort: true);
        }
    }

    private async ValueTask WriteResponseAsync(Pending pending, KafkaResponse response)
    {
        // Encoded whole before anything is written, so an encoding failure never leaves half a frame on the wire.
        _encoder.Reset();
        _segments.Clear();
        KafkaFrames.WriteResponse(_encoder, pending.ApiKey, response.ApiVersion ?? pending.ApiVersion, pending.CorrelationId, response.Body);
        _encoder.GetSegments(_segments);
        foreach (var segment in _segments)
        {
            if (segment.Length >= DirectWriteThreshold)
            {
                // Record sets: flush what precedes them, then hand their memory to the socket uncopied.
                await _output.FlushAsync(_abort.Token);
                await _stream.WriteAsync(segment, _abort.Token);
            }
            else
            {
                _output.Write(segment.Span);
            }
        }

        _segments.Clear();
    }

    private readonly record struct Pending(KafkaRequest? Request, ApiKey ApiKey, short ApiVersion, int CorrelationId, ValueTask<KafkaResponse?> Response);
}
