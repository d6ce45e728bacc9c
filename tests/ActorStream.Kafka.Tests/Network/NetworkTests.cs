using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Fetch;
using ActorStream.Kafka.Protocol.Messages.Metadata;
using ActorStream.Kafka.Protocol.Messages.Produce;

namespace ActorStream.Kafka.Tests.Network;

public sealed class NetworkTests
{
    /// <summary>Upper bound for anything awaited: a hang fails the test instead of blocking the run.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static void AssertApiList(ProtocolStruct body, short expectedError)
    {
        Assert.Equal(expectedError, body.GetInt16("ErrorCode"));
        var apis = body.GetStructs("ApiKeys")!;
        Assert.Equal(ApiCatalog.All.Count, apis.Count);
        foreach (var api in ApiCatalog.All)
        {
            var entry = apis.Single(a => a.GetInt16("ApiKey") == (short)api.Key);
            Assert.Equal(api.MinVersion, entry.GetInt16("MinVersion"));
            Assert.Equal(api.MaxVersion, entry.GetInt16("MaxVersion"));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ApiVersions_is_answered_at_the_requested_version_with_header_v0(short version)
    {
        await using var fixture = new ListenerFixture(DelegateHandler.ApiVersionsOnly);
        await using var client = await fixture.ConnectAsync();

        await client.SendApiVersionsAsync(version, correlationId: 42);
        var frame = await client.ReadFrameAsync();

        // Header v0: the correlation id and then the body at once, even for flexible v3+ (no tagged-field byte).
        Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(frame));
        var body = KafkaFrames.DecodeResponse(frame, ApiKey.ApiVersions, version, out int correlationId);
        Assert.Equal(42, correlationId);
        AssertApiList(body, expectedError: 0);
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4))); // error code right after the header
    }

    [Fact]
    public async Task Unknown_ApiVersions_version_is_answered_in_v0_form_with_UNSUPPORTED_VERSION_and_the_connection_stays_open()
    {
        bool handlerSawIt = false;
        var handler = new DelegateHandler((request, _) =>
        {
            if (request.ApiVersion > 4)
                handlerSawIt = true;
            return ValueTask.FromResult<KafkaResponse?>(ApiVersionsResponder.Respond(request));
        });
        await using var fixture = new ListenerFixture(handler);
        await using var client = await fixture.ConnectAsync();

        // A future client's v99 request: header v2 (tagged fields) and a body we cannot know.
        await client.SendAsync(TestClient.RawRequest((short)ApiKey.ApiVersions, 99, 7, [0, 1, 2, 3]));
        var (correlationId, body) = await client.ReadResponseAsync(ApiKey.ApiVersions, 0);
        Assert.Equal(7, correlationId);
        AssertApiList(body, ApiVersionsResponder.UnsupportedVersion);
        Assert.False(handlerSawIt);

        // The client retries at a version we share, on the same connection.
        await client.SendApiVersionsAsync(3, correlationId: 8);
        var (retryId, retry) = await client.ReadResponseAsync(ApiKey.ApiVersions, 3);
        Assert.Equal(8, retryId);
        AssertApiList(retry, 0);
    }

    [Fact]
    public void ApiVersionsResponder_answers_unknown_versions_in_v0_form()
    {
        var response = ApiVersionsResponder.Respond(requestVersion: 17);
        Assert.Equal((short)0, response.ApiVersion);
        Assert.Equal(ApiVersionsResponder.UnsupportedVersion, response.Body.GetInt16("ErrorCode"));
        Assert.Null(ApiVersionsResponder.Respond(requestVersion: 2).ApiVersion);
    }

    [Fact]
    public async Task Pipelined_requests_completed_in_reverse_order_are_answered_in_request_order()
    {
        var gates = new[] { NewGate(), NewGate(), NewGate() };
        var received = Channel.CreateUnbounded<int>();
        var handler = new DelegateHandler(async (request, _) =>
        {
            received.Writer.TryWrite(request.CorrelationId);
            await gates[request.CorrelationId - 100].Task;
            return ApiVersionsResponder.Respond(request);
        });
        await using var fixture = new ListenerFixture(handler);
        await using var client = await fixture.ConnectAsync();

        var bytes = new List<byte>();
        for (int i = 0; i < 3; i++)
            bytes.AddRange(TestClient.Request(ApiKey.ApiVersions, 3, 100 + i, TestClient.ApiVersionsBody()));
        await client.SendAsync([.. bytes]); // back to back, one write

        // All three are being handled at once (pipelining), then finish last-first.
        var seen = new HashSet<int>();
        for (int i = 0; i < 3; i++)
            seen.Add(await received.Reader.ReadAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal([100, 101, 102], seen.Order());
        gates[2].SetResult();
        gates[1].SetResult();
        gates[0].SetResult();

        for (int i = 0; i < 3; i++)
        {
            var (correlationId, body) = await client.ReadResponseAsync(ApiKey.ApiVersions, 3);
            Assert.Equal(100 + i, correlationId);
            AssertApiList(body, 0);
        }
    }

    [Fact]
    public async Task A_slow_first_request_holds_back_later_responses()
    {
        var first = NewGate();
        var secondDone = NewGate();
        var handler = new DelegateHandler(async (request, _) =>
        {
            if (request.CorrelationId == 1)
                await first.Task;
            else
                secondDone.SetResult();
            return ApiVersionsResponder.Respond(request);
        });
        await using var fixture = new ListenerFixture(handler);
        await using var client = await fixture.ConnectAsync();

        await client.SendApiVersionsAsync(0, 1);
        await client.SendApiVersionsAsync(0, 2);
        await secondDone.Task.WaitAsync(Timeout);
        var firstFrame = client.ReadFrameAsync();
        Assert.False(firstFrame.IsCompleted); // the second is done, but may not overtake the first
        first.SetResult();
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(await firstFrame));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(await client.ReadFrameAsync()));
    }

    [Fact]
    public async Task A_null_response_sends_nothing_and_later_responses_still_flow_in_order()
    {
        var handler = new DelegateHandler((request, _) =>
        {
            if (request.ApiKey == ApiKey.Produce)
            {
                Assert.Equal(0, new ProduceRequestReader(request.Body).Acks);
                return ValueTask.FromResult<KafkaResponse?>(null);
            }

            return ValueTask.FromResult<KafkaResponse?>(ApiVersionsResponder.Respond(request));
        });
        await using var fixture = new ListenerFixture(handler);
        await using var client = await fixture.ConnectAsync();

        var produce = ProduceMessages.Request.Create();
        produce.SetInt16("Acks", 0);
        produce.SetInt32("TimeoutMs", 1000);
        var topic = produce.AddStruct("TopicData");
        topic.SetString("Name", "t");
        var partition = topic.AddStruct("PartitionData");
        partition.SetInt32("Index", 0);
        partition.SetRecords("Records", new byte[] { 1, 2, 3 });

        await client.SendApiVersionsAsync(2, 1);
        await client.SendAsync(TestClient.Request(ApiKey.Produce, 9, 2, produce));
        await client.SendAsync(TestClient.Request(ApiKey.Produce, 3, 3, produce));
        await client.SendApiVersionsAsync(2, 4);

        Assert.Equal(1, (await client.ReadResponseAsync(ApiKey.ApiVersions, 2)).CorrelationId);
        Assert.Equal(4, (await client.ReadResponseAsync(ApiKey.ApiVersions, 2)).CorrelationId);
    }

    [Fact]
    public async Task Fetch_response_record_slices_reach_the_client_intact()
    {
        // Large enough to be spliced by the encoder and written straight to the socket.
        var records = new byte[3 * KafkaConnection.DirectWriteThreshold + 17];
        new Random(5).NextBytes(records);
        var small = new byte[] { 9, 8, 7 };
        var handler = new DelegateHandler((request, _) =>
        {
            var builder = new FetchResponseBuilder();
            var topic = builder.AddTopic("orders", Guid.NewGuid());
            builder.AddPartition(topic, 0, 0, 10, 10, 0, records);
            builder.AddPartition(topic, 1, 0, 10, 10, 0, small);
            return ValueTask.FromResult<KafkaResponse?>(new KafkaResponse(builder.Response));
        });
        await using var fixture = new ListenerFixture(handler);
        await using var client = await fixture.ConnectAsync();

        foreach (short version in new short[] { 4, 12, 13 })
        {
            var fetch = FetchMessages.Request.Create();
            fetch.SetInt32("MaxWaitMs", 0);
            await client.SendAsync(TestClient.Request(ApiKey.Fetch, version, version, fetch));
            var (correlationId, body) = await client.ReadResponseAsync(ApiKey.Fetch, version);
            Assert.Equal(version, correlationId);
            var partitions = body.GetStructs("Responses")![0].GetStructs("Partitions")!;
            Assert.Equal(records, partitions[0].GetRecords("Records")!.Value.ToArray());
            Assert.Equal(small, partitions[1].GetRecords("Records")!.Value.ToArray());
        }
    }

    public static TheoryData<string, byte[], string> MalformedFrames() => new()
    {
        { "negative size", [0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3], "negative request size" },
        { "oversized", BigEndian(1024 + 1), "larger than the maximum of 1024" },
        { "garbage header", [0, 0, 0, 3, 0xAB, 0xCD, 0xEF], "header cannot be decoded" },
        { "unknown api key", TestClient.RawRequest(999, 0, 5, []), "unknown API key 999" },
        { "unsupported version", TestClient.RawRequest((short)ApiKey.Metadata, 99, 5, []), "Metadata v99, which this broker does not support" },
        { "malformed body", TestClient.RawRequest((short)ApiKey.ApiVersions, 0, 5, [1, 2, 3]), "malformed ApiVersions v0 request" },
        { "truncated body", [0, 0, 0, 100, 0, 18, 0, 0, 0, 0], "in the middle of a request" },
    };

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task A_malformed_frame_closes_only_that_connection_with_a_logged_reason(string name, byte[] bytes, string reason)
    {
        await using var fixture = new ListenerFixture(DelegateHandler.ApiVersionsOnly, o => o.MaxFrameSize = 1024);
        await using var healthy = await fixture.ConnectAsync();
        await using var bad = await fixture.ConnectAsync();
        await healthy.SendApiVersionsAsync(0, 1);
        Assert.Equal(1, (await healthy.ReadResponseAsync(ApiKey.ApiVersions, 0)).CorrelationId);

        await bad.SendAsync(bytes);
        if (name == "truncated body")
            bad.ShutdownSend();
        Assert.True(await bad.WaitClosedAsync());
        string logged = await fixture.Logger.WaitForAsync(m => m.Contains("closed", StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
        Assert.Contains(reason, logged, StringComparison.Ordinal);

        // The other connection and the listener carry on.
        await healthy.SendApiVersionsAsync(3, 2);
        Assert.Equal(2, (await healthy.ReadResponseAsync(ApiKey.ApiVersions, 3)).CorrelationId);
        await using var fresh = await fixture.ConnectAsync();
        await fresh.SendApiVersionsAsync(1, 3);
        Assert.Equal(3, (await fresh.ReadResponseAsync(ApiKey.ApiVersions, 1)).CorrelationId);
    }

    [Fact]
    public async Task Oversized_frame_is_refused_at_the_default_limit_without_waiting_for_its_body()
    {
        await using var fixture = new ListenerFixture(DelegateHandler.ApiVersionsOnly);
        await using var bad = await fixture.ConnectAsync();
        await bad.SendAsync(BigEndian(KafkaFrames.DefaultMaxFrameSize + 1));
        Assert.True(await bad.WaitClosedAsync());
        await fixture.Logger.WaitForAsync(m => m.Contains($"larger than the maximum of {KafkaFrames.DefaultMaxFrameSize}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Responses_before_a_malformed_frame_are_still_written()
    {
        await using var fixture = new ListenerFixture(DelegateHandler.ApiVersionsOnly);
        await using var client = await fixture.ConnectAsync();
        var bytes = TestClient.Request(ApiKey.ApiVersions, 1, 1, TestClient.ApiVersionsBody()).Concat(BigEndian(-5)).ToArray();
        await client.SendAsync(bytes);
        Assert.Equal(1, (await client.ReadResponseAsync(ApiKey.ApiVersions, 1)).CorrelationId);
        Assert.True(await client.WaitClosedAsync());
    }

    [Fact]
    public async Task A_failing_handler_closes_the_connection_with_a_logged_reason()
    {
        var handler = new DelegateHandler((request, _) => request.CorrelationId == 2
            ? throw new InvalidOperationException("boom")
            : ValueTask.FromResult<KafkaResponse?>(ApiVersionsResponder.Respond(request)));
        await using var fixture = new ListenerFixture(handler);
        await using var client = await fixture.ConnectAsync();
        await client.SendApiVersionsAsync(0, 1);
        await client.SendApiVersionsAsync(0, 2);
        Assert.Equal(1, (await client.ReadResponseAsync(ApiKey.ApiVersions, 0)).CorrelationId);
        Assert.True(await client.WaitClosedAsync());
        await fixture.Logger.WaitForAsync(m => m.Contains("failed to answer ApiVersions v0 (correlation id 2): boom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_flight_requests_per_connection_are_bounded()
    {
        const int bound = 4;
        var gate = NewGate();
        int started = 0;
        var reachedBound = NewGate();
        var handler = new DelegateHandler(async (request, _) =>
        {
            if (Interlocked.Increment(ref started) == bound)
                reachedBound.SetResult();
            await gate.Task;
            return ApiVersionsResponder.Respond(request);
        });
        await using var fixture = new ListenerFixture(handler, o => o.MaxInFlightRequestsPerConnection = bound);
        await using var client = await fixture.ConnectAsync();

        var bytes = new List<byte>();
        for (int i = 0; i < 3 * bound; i++)
            bytes.AddRange(TestClient.Request(ApiKey.ApiVersions, 0, i, TestClient.ApiVersionsBody()));
        await client.SendAsync([.. bytes]);
        await reachedBound.Task.WaitAsync(Timeout);
        // The reader stops at the bound: no further handler starts until a response is written. (A request beyond
        // the bound would have started synchronously on the read loop by the time the bound-th one did.)
        Assert.Equal(bound, Volatile.Read(ref started));
        gate.SetResult();
        for (int i = 0; i < 3 * bound; i++)
            Assert.Equal(i, (await client.ReadResponseAsync(ApiKey.ApiVersions, 0)).CorrelationId);
        Assert.Equal(3 * bound, Volatile.Read(ref started));
    }

    [Fact]
    public async Task Many_connections_each_pipelining_requests_all_succeed()
    {
        var handler = new DelegateHandler(async (request, _) =>
        {
            await Task.Yield(); // complete asynchronously, out of order across connections
            return request.ApiKey == ApiKey.Metadata
                ? new KafkaResponse(MetadataMessages.Response.Create())
                : ApiVersionsResponder.Respond(request);
        });
        await using var fixture = new ListenerFixture(handler);

        async Task RunClientAsync(int n)
        {
            await using var client = await fixture.ConnectAsync();
            var bytes = new List<byte>();
            for (int i = 0; i < 5; i++)
            {
                bytes.AddRange(i % 2 == 0
                    ? TestClient.Request(ApiKey.ApiVersions, (short)(i % 4), (n * 100) + i, TestClient.ApiVersionsBody())
                    : TestClient.Request(ApiKey.Metadata, 12, (n * 100) + i, MetadataMessages.Request.Create()));
            }

            await client.SendAsync([.. bytes]);
            for (int i = 0; i < 5; i++)
            {
                var (correlationId, _) = i % 2 == 0
                    ? await client.ReadResponseAsync(ApiKey.ApiVersions, (short)(i % 4))
                    : await client.ReadResponseAsync(ApiKey.Metadata, 12);
                Assert.Equal((n * 100) + i, correlationId);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 50).Select(n => Task.Run(() => RunClientAsync(n)))).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Stop_answers_in_flight_requests_closes_connections_and_releases_the_port()
    {
        var gate = NewGate();
        var started = NewGate();
        var handler = new DelegateHandler(async (request, _) =>
        {
            if (request.CorrelationId == 2)
            {
                started.SetResult();
                await gate.Task;
            }

            return ApiVersionsResponder.Respond(request);
        });
        var fixture = new ListenerFixture(handler);
        var endPoint = fixture.Listener.LocalEndPoint;
        Assert.Contains("Kafka listener listening on 127.0.0.1:" + endPoint.Port, fixture.Logger.Entries.Select(e => e.Message).First(), StringComparison.Ordinal);
        await using var idle = await fixture.ConnectAsync();
        await using var busy = await fixture.ConnectAsync();
        await idle.SendApiVersionsAsync(0, 1);
        await idle.ReadFrameAsync();
        await busy.SendApiVersionsAsync(0, 2);
        await started.Task.WaitAsync(Timeout);
        Assert.Equal(2, fixture.Listener.ConnectionCount);

        var stop = fixture.Listener.StopAsync();
        Assert.True(await idle.WaitClosedAsync());
        Assert.False(stop.IsCompleted); // waits for the busy connection's answer
        gate.SetResult();
        Assert.Equal(2, (await busy.ReadResponseAsync(ApiKey.ApiVersions, 0)).CorrelationId);
        Assert.True(await busy.WaitClosedAsync());
        await stop.WaitAsync(Timeout);
        Assert.Equal(0, fixture.Listener.ConnectionCount);

        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(endPoint).WaitAsync(Timeout));
        await fixture.Logger.WaitForAsync(m => m.Contains("listener is shutting down", StringComparison.Ordinal));
        await fixture.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task Advertised_endpoint_comes_from_options_or_the_bound_address()
    {
        var options = new KafkaListenerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), AdvertisedHost = "broker-1.example", AdvertisedPort = 19092 };
        var listener = new KafkaListener(options, DelegateHandler.ApiVersionsOnly);
        listener.Start();
        Assert.Equal(new DnsEndPoint("broker-1.example", 19092), listener.AdvertisedEndPoint);
        Assert.NotEqual(0, listener.LocalEndPoint.Port);
        await listener.StopAsync().WaitAsync(Timeout);

        var plain = new KafkaListener(new KafkaListenerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, DelegateHandler.ApiVersionsOnly);
        plain.Start();
        Assert.Equal(new DnsEndPoint("127.0.0.1", plain.LocalEndPoint.Port), plain.AdvertisedEndPoint);
        await plain.StopAsync().WaitAsync(Timeout);
        Assert.Equal(9092, new KafkaListenerOptions().EndPoint.Port);
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
