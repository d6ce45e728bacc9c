using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Tests.Network;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>
/// Socket-level fuzz of a <see cref="KafkaListener"/>: connections send valid ApiVersions requests interleaved with
/// random and mutated frames, and each must get the answers owed to the frames before the first bad one, in order,
/// and then be closed by the server (or stay open and answer everything, when no frame is bad) — never hang. After
/// the run the listener still accepts a connection and answers ApiVersions, and nothing was logged as an error.
/// </summary>
/// <remarks>
/// What the server owes each frame is predicted with the decoder itself, through the connection's decoding steps
/// (<see cref="ConnectionDecodePath"/>): the decoder's own robustness is <see cref="DecoderFuzzTests"/>' business;
/// this spec checks the connection layer around it. Subclass it with another <see cref="CreateHandlerAsync"/> (the real
/// broker's) to run the same fuzz against that handler; set <see cref="AnswersEveryDecodedRequest"/> to false when
/// the handler may stay silent (Produce with acks=0), which makes answers to decodable fuzz frames optional.
/// Timeouts only detect a hang; nothing waits for time to pass.
/// </remarks>
public abstract class ListenerFuzzSpec(ITestOutputHelper output)
{
    /// <summary>
    /// The handler under test; called once per run, shared by all connections, and disposed after the listener when
    /// it is <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.
    /// </summary>
    protected abstract Task<IKafkaRequestHandler> CreateHandlerAsync();

    /// <summary>Answers to decodable fuzz frames are required (true) or merely allowed (false).</summary>
    protected virtual bool AnswersEveryDecodedRequest => false;

    /// <summary>Adjusts the listener's options (the endpoint is 127.0.0.1, port 0).</summary>
    protected virtual void ConfigureListener(KafkaListenerOptions options)
    {
    }

    protected virtual int Seed => 20_250_612;

    protected virtual int Connections => 600;

    protected virtual int ConcurrentConnections => 4;

    /// <summary>Largest random body of a fuzz frame.</summary>
    protected virtual int MaxFuzzBody => 2048;

    /// <summary>Failure detection only: a connection that neither answers nor closes within this fails the run.</summary>
    protected virtual TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <summary>An error-level log line the handler under test may legitimately produce (none, by default).</summary>
    protected virtual bool IsExpectedError(string message) => false;

    /// <summary>Whether a decodable request closes the connection (an API or version the handler does not serve).</summary>
    protected virtual bool ClosesOn(ApiKey apiKey, short version) => false;

    /// <summary>How many APIs the handler's ApiVersions answer lists (a broker lists only those it answers).</summary>
    protected virtual int AdvertisedApiCount => ApiCatalog.All.Count;

    [Fact]
    public async Task Fuzzed_connections_get_their_answers_or_are_closed_and_the_listener_survives()
    {
        var options = new KafkaListenerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        ConfigureListener(options);
        // The handler first: the scripts ask it (ClosesOn, AdvertisedApiCount) what it serves.
        var handler = await CreateHandlerAsync();
        var scripts = BuildScripts(options.MaxFrameSize);
        var logger = new CapturingLogger();
        try
        {
            await using var listener = new KafkaListener(options, handler, logger);
            listener.Start();
            await RunAsync(listener.LocalEndPoint, scripts, logger);
        }
        finally
        {
            if (handler is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync();
            else if (handler is IDisposable disposable)
                disposable.Dispose();
        }
    }

    private async Task RunAsync(IPEndPoint endPoint, List<Script> scripts, CapturingLogger logger)
    {

        // A well-behaved client connected throughout: other connections' garbage must not disturb it.
        using var bystander = await ConnectAsync(endPoint);
        await AssertApiVersionsAnsweredAsync(bystander, 3, correlationId: 1);

        var clock = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<string>();
        using (var slots = new SemaphoreSlim(ConcurrentConnections))
        {
            await Task.WhenAll(scripts.Select(async script =>
            {
                await slots.WaitAsync();
                try
                {
                    string? failure = await RunScriptAsync(endPoint, script);
                    if (failure is not null)
                        failures.Enqueue($"connection {script.Index}: {failure}\n    script: {script}");
                }
                catch (Exception e)
                {
                    failures.Enqueue($"connection {script.Index}: {e.GetType().Name}: {e.Message}\n    script: {script}");
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        clock.Stop();
        output.WriteLine($"{scripts.Count} connections, {scripts.Sum(s => s.FuzzFrames)} fuzz frames, {scripts.Sum(s => s.ValidFrames)} valid requests, "
            + $"{scripts.Count(s => s.FatalAt is not null)} closed by a bad frame, {scripts.Sum(s => s.Expected.Count)} answers expected; {clock.ElapsedMilliseconds} ms");
        output.WriteLine(string.Join(", ", scripts.GroupBy(s => s.Ending).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {scripts.Count} connections misbehaved; the first ones:\n{string.Join("\n", failures.Take(10))}");

        // The listener lives on: the bystander is still served, and a new connection is accepted and answered.
        await AssertApiVersionsAnsweredAsync(bystander, 3, correlationId: 2);
        using var fresh = await ConnectAsync(endPoint);
        await AssertApiVersionsAnsweredAsync(fresh, 3, correlationId: 3);
        await AssertApiVersionsAnsweredAsync(fresh, 0, correlationId: 4);

        var errors = logger.Entries.Where(e => e.Level >= LogLevel.Error && !IsExpectedError(e.Message)).Select(e => e.Message).ToList();
        Assert.True(errors.Count == 0, $"errors logged during the fuzz:\n{string.Join("\n", errors.Take(10))}");
    }

    // ---- scripts: what each connection sends and what it is owed, decided before any socket opens -----------------

    /// <summary>How a connection's script ends after its frames.</summary>
    internal enum Ending
    {
        /// <summary>A negative size prefix: the server closes.</summary>
        NegativeSize,

        /// <summary>A size prefix above the listener's maximum: the server closes without waiting for the body.</summary>
        Oversized,

        /// <summary>A frame too short for a request header: the server closes.</summary>
        ShortFrame,

        /// <summary>Half a frame, then (once every answer is in) the client shuts its side: the server closes.</summary>
        ClientClosesMidFrame,

        /// <summary>Nothing more; once every answer is in the client shuts its side and the server closes.</summary>
        ClientCloses,
    }

    /// <summary>
    /// One answer a connection is owed (or, when optional, may get), in order. When <paramref name="ErrorCode"/> is
    /// set the answer is an ApiVersions response to decode at <paramref name="ApiVersion"/> and check.
    /// </summary>
    internal readonly record struct Answer(int CorrelationId, bool Required, ApiKey ApiKey, short ApiVersion, short? ErrorCode);

    internal sealed record Script(int Index, byte[] Bytes, List<Answer> Expected, int? FatalAt, Ending Ending, int FuzzFrames, int ValidFrames, string Description)
    {
        /// <summary>Whether the server is expected to close on its own (a bad frame or a bad ending).</summary>
        public bool ServerCloses => FatalAt is not null || Ending is Ending.NegativeSize or Ending.Oversized or Ending.ShortFrame;

        public override string ToString() => Description;
    }

    private List<Script> BuildScripts(int maxFrameSize)
    {
        var fuzzer = new RequestFuzzer(Seed);
        var random = fuzzer.Random;
        var seeds = RequestFuzzer.Seeds;
        var apiVersions = ApiCatalog.Get(ApiKey.ApiVersions);
        var scripts = new List<Script>(Connections);
        for (int c = 0; c < Connections; c++)
        {
            var bytes = new List<byte>();
            var expected = new List<Answer>();
            var description = new System.Text.StringBuilder();
            int? fatalAt = null;
            int fuzzFrames = 0, validFrames = 0;
            int frames = random.Next(4, 17);
            int breakAt = random.Next(2) == 0 ? random.Next(frames) : -1;
            for (int f = 0; f < frames; f++)
            {
                if (random.Next(2) == 0)
                {
                    validFrames++;
                    short version = (short)random.Next(apiVersions.MinVersion, apiVersions.MaxVersion + 1);
                    int correlationId = 0x4000_0000 + (c * 100) + f;
                    bytes.AddRange(TestClient.Request(ApiKey.ApiVersions, version, correlationId, TestClient.ApiVersionsBody()));
                    if (fatalAt is null)
                        expected.Add(new Answer(correlationId, true, ApiKey.ApiVersions, version, ErrorCode: 0));
                    description.Append($"ApiVersions v{version} #{correlationId}; ");
                    continue;
                }

                fuzzFrames++;
                // Most fuzz frames are fatal, so left to chance a connection would rarely get past its first one. Each
                // connection instead plans where (if anywhere) it breaks, and until then draws frames the server
                // survives (mutations that still decode, unknown ApiVersions versions): those get answered between
                // valid requests, and connections that never break reach their ending.
                bool wantFatal = fatalAt is null && breakAt >= 0 && f >= breakAt;
                FuzzCase fuzzCase;
                FrameOutcome outcome;
                RequestHeader? header;
                int attempt = 0;
                do
                {
                    fuzzCase = random.Next(10) < 3 ? fuzzer.RandomFrame(MaxFuzzBody) : fuzzer.Mutate(seeds[random.Next(seeds.Count)]);
                    header = null;
                    outcome = fuzzCase.Frame.Length > maxFrameSize ? FrameOutcome.Rejected : ConnectionDecodePath.Decode(fuzzCase.Frame, out header, out _);
                }
                while (fatalAt is null && (outcome == FrameOutcome.Rejected) != wantFatal && ++attempt < 32);

                byte[] frame = fuzzCase.Frame;
                AddInt32(bytes, frame.Length);
                bytes.AddRange(frame);
                description.Append($"{fuzzCase.Kind} -> {outcome}; ");
                if (fatalAt is not null)
                    continue;
                switch (outcome)
                {
                    case FrameOutcome.Rejected:
                        fatalAt = f;
                        break;
                    case FrameOutcome.UnsupportedApiVersions:
                        // The connection itself answers, in v0 form, and carries on.
                        expected.Add(new Answer(header!.Value.CorrelationId, true, ApiKey.ApiVersions, 0, ApiVersionsResponder.UnsupportedVersion));
                        break;
                    case FrameOutcome.Decoded when ClosesOn(header!.Value.ApiKey, header.Value.ApiVersion):
                        // An API the handler does not serve closes the connection, as Kafka does for an unknown API.
                        fatalAt = f;
                        break;
                    default:
                        expected.Add(new Answer(header!.Value.CorrelationId, AnswersEveryDecodedRequest, header.Value.ApiKey, header.Value.ApiVersion, ErrorCode: null));
                        break;
                }
            }

            var ending = (Ending)random.Next((int)Ending.ClientCloses + 1);
            switch (ending)
            {
                case Ending.NegativeSize:
                    AddInt32(bytes, random.Next(2) == 0 ? -1 : random.Next(int.MinValue, 0));
                    break;
                case Ending.Oversized:
                    AddInt32(bytes, random.Next(2) == 0 ? int.MaxValue : maxFrameSize + 1);
                    break;
                case Ending.ShortFrame:
                    int length = random.Next(0, 4);
                    AddInt32(bytes, length);
                    for (int i = 0; i < length; i++)
                        bytes.Add((byte)random.Next(256));
                    break;
                case Ending.ClientClosesMidFrame:
                    var half = TestClient.Request(ApiKey.ApiVersions, 3, 0x7FFF_0000 + c, TestClient.ApiVersionsBody());
                    bytes.AddRange(half.AsSpan(0, random.Next(1, half.Length)).ToArray());
                    break;
            }

            description.Append(ending);
            scripts.Add(new Script(c, [.. bytes], expected, fatalAt, ending, fuzzFrames, validFrames, description.ToString()));
        }

        return scripts;
    }

    // ---- running one script ---------------------------------------------------------------------------------------

    /// <summary>Runs one connection; null when it behaved, else what went wrong.</summary>
    private async Task<string?> RunScriptAsync(IPEndPoint endPoint, Script script)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var socket = await ConnectAsync(endPoint);
        var responses = Channel.CreateUnbounded<byte[]>();
        var reading = ReadAllAsync(socket, responses.Writer, timeout.Token);

        try
        {
            await socket.SendAsync(script.Bytes, SocketFlags.None, timeout.Token);
        }
        catch (SocketException) when (script.ServerCloses)
        {
            // The server closed at the bad frame before the rest arrived: allowed, the reader sees the close.
        }

        int next = 0;
        int required = script.Expected.FindLastIndex(a => a.Required) + 1; // answers up to here must all arrive
        bool shutDown = false;
        try
        {
            while (true)
            {
                if (!script.ServerCloses && !shutDown && next >= required)
                {
                    // Every answer is in and the server has no reason to close: the client ends the conversation.
                    socket.Shutdown(SocketShutdown.Send);
                    shutDown = true;
                }

                if (!await responses.Reader.WaitToReadAsync(timeout.Token))
                    break; // closed by the server
                var frame = await responses.Reader.ReadAsync(timeout.Token);
                string? mismatch = Match(script, frame, ref next);
                if (mismatch is not null)
                    return mismatch;
            }

            await reading; // surfaces a torn response
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"hung: after {Timeout.TotalSeconds} s the connection was neither answered nor closed "
                + $"({next} of {script.Expected.Count} expected answers matched, server should {(script.ServerCloses ? "close" : "answer and stay open")})";
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }

        if (next < required)
        {
            var missing = script.Expected.Skip(next).First(a => a.Required);
            return $"closed before answering correlation id {missing.CorrelationId} ({missing.ApiKey} v{missing.ApiVersion}); {next} of {script.Expected.Count} answers matched";
        }

        return null;
    }

    /// <summary>Matches one response against the next owed answer, skipping optional ones; null when it fits.</summary>
    private static string? Match(Script script, byte[] frame, ref int next)
    {
        if (frame.Length < 4)
            return $"a {frame.Length}-byte response has no correlation id";
        int correlationId = BinaryPrimitives.ReadInt32BigEndian(frame);
        for (int i = next; i < script.Expected.Count; i++)
        {
            var answer = script.Expected[i];
            if (answer.CorrelationId == correlationId)
            {
                next = i + 1;
                if (answer.ErrorCode is not { } wanted)
                    return null;
                try
                {
                    var body = KafkaFrames.DecodeResponse(frame, answer.ApiKey, answer.ApiVersion, out _);
                    short error = body.GetInt16("ErrorCode");
                    return error == wanted ? null : $"ApiVersions answer #{correlationId} has error code {error}, expected {wanted}";
                }
                catch (ProtocolException e)
                {
                    return $"answer #{correlationId} does not decode as {answer.ApiKey} v{answer.ApiVersion}: {e.Message}";
                }
            }

            if (answer.Required)
                return $"got an answer for correlation id {correlationId} while #{answer.CorrelationId} ({answer.ApiKey} v{answer.ApiVersion}) was owed first";
        }

        return $"unexpected answer with correlation id {correlationId} ({next} of {script.Expected.Count} expected answers matched before it)";
    }

    /// <summary>Reads size-prefixed frames until the server closes (end of stream or reset).</summary>
    private static async Task ReadAllAsync(Socket socket, ChannelWriter<byte[]> frames, CancellationToken token)
    {
        var pending = new List<byte>();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
                }
                catch (SocketException)
                {
                    read = 0; // reset by the server: as good as closed
                }

                if (read == 0)
                {
                    if (pending.Count != 0)
                        throw new InvalidDataException($"the server closed in the middle of a response ({pending.Count} bytes of it received)");
                    break;
                }

                pending.AddRange(buffer.AsSpan(0, read));
                while (pending.Count >= 4)
                {
                    int length = BinaryPrimitives.ReadInt32BigEndian([.. pending.GetRange(0, 4)]);
                    if (length < 0 || pending.Count - 4 < length)
                        break;
                    frames.TryWrite([.. pending.GetRange(4, length)]);
                    pending.RemoveRange(0, 4 + length);
                }
            }

            frames.TryComplete();
        }
        catch (Exception e)
        {
            frames.TryComplete(e);
            throw;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(endPoint, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AssertApiVersionsAnsweredAsync(Socket socket, short version, int correlationId)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.SendAsync(TestClient.Request(ApiKey.ApiVersions, version, correlationId, TestClient.ApiVersionsBody()), SocketFlags.None, timeout.Token);
        var prefix = new byte[4];
        await ReceiveExactlyAsync(socket, prefix, timeout.Token);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await ReceiveExactlyAsync(socket, frame, timeout.Token);
        var body = KafkaFrames.DecodeResponse(frame, ApiKey.ApiVersions, version, out int answeredId);
        Assert.Equal(correlationId, answeredId);
        Assert.Equal(0, body.GetInt16("ErrorCode"));
        Assert.Equal(AdvertisedApiCount, body.GetStructs("ApiKeys")!.Count);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        while (!buffer.IsEmpty)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (read == 0)
                throw new IOException("The listener closed a well-behaved connection.");
            buffer = buffer[read..];
        }
    }

    private static void AddInt32(List<byte> bytes, int value)
    {
        Span<byte> raw = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(raw, value);
        bytes.AddRange(raw);
    }
}

/// <summary>The listener fuzz against <see cref="MinimalResponseHandler"/>, which answers every decodable request.</summary>
public sealed class MinimalHandlerListenerFuzzTests(ITestOutputHelper output) : ListenerFuzzSpec(output)
{
    protected override Task<IKafkaRequestHandler> CreateHandlerAsync() => Task.FromResult<IKafkaRequestHandler>(new MinimalResponseHandler());

    protected override bool AnswersEveryDecodedRequest => true;

    [Fact]
    public void The_minimal_handler_answers_every_version_of_every_api_with_an_encodable_body()
    {
        foreach (var api in ApiCatalog.All)
        {
            for (short v = api.MinVersion; v <= api.MaxVersion; v++)
            {
                using var writer = new ProtocolWriter();
                var body = api.Key == ApiKey.ApiVersions ? ApiVersionsResponder.CreateBody() : api.Response.Create();
                KafkaFrames.WriteResponse(writer, api.Key, v, 7, body);
                var frame = writer.ToArray()[KafkaFrames.SizePrefixLength..];
                KafkaFrames.DecodeResponse(frame, api.Key, v, out int correlationId);
                Assert.Equal(7, correlationId);
            }
        }
    }
}
