using ActorStream.Actors;
using ActorStream.Actors.Scheduling;
using ActorStream.Broker.Controller;
using ActorStream.Broker.Metadata;
using ActorStream.Broker.Replication;
using ActorStream.Records;
using ActorStream.TestKit.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ActorStream.Broker.Tests.Replication;

/// <summary>
/// One broker node on a temporary data directory, in its own actor system, for the actor-level tests of the broker
/// domain: start, ask the controller, append to a replica, restart (cleanly or not) on the same directory. Disposing
/// it stops the broker, terminates the system and removes the directory.
/// </summary>
internal sealed class BrokerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ITestOutputHelper _output;
    private readonly Func<BrokerSettings, BrokerSettings>? _configure;
    private readonly IClock? _clock;
    private RealTimeScheduler? _scheduler;
    private int _incarnation;

    private BrokerHarness(ITestOutputHelper output, string directory, Func<BrokerSettings, BrokerSettings>? configure, IClock? clock)
    {
        _output = output;
        Directory = directory;
        _configure = configure;
        _clock = clock;
    }

    /// <summary>The broker's data directory (Kafka's log.dirs).</summary>
    public string Directory { get; }

    public ActorSystem System { get; private set; } = null!;

    public BrokerNode Broker { get; private set; } = null!;

    public TestLoggerFactory Logs { get; private set; } = null!;

    public IActorRef Controller => Broker.Controller;

    public MetadataImage Image => Broker.Metadata.Current;

    /// <summary>
    /// Starts a broker on a new temporary directory. <paramref name="beforeStart"/> runs on the empty directory first
    /// (to plant files); <paramref name="clock"/> replaces the actor system's wall clock (the broker's clock for
    /// LogAppendTime and producer expiry).
    /// </summary>
    public static async Task<BrokerHarness> StartAsync(
        ITestOutputHelper output, Func<BrokerSettings, BrokerSettings>? configure = null, IClock? clock = null, Action<string>? beforeStart = null)
    {
        var directory = global::System.IO.Directory.CreateTempSubdirectory("actorstream-broker-").FullName;
        var harness = new BrokerHarness(output, directory, configure, clock);
        try
        {
            beforeStart?.Invoke(directory);
            await harness.StartNodeAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    private async Task StartNodeAsync()
    {
        _incarnation++;
        Logs = new TestLoggerFactory(_output);
        if (_clock is not null)
            _scheduler = new RealTimeScheduler(_clock, NullLogger.Instance);
        System = ActorSystem.Create($"broker{_incarnation}", null, new ActorSystemSetup { LoggerFactory = Logs, Scheduler = _scheduler });
        var settings = new BrokerSettings { DataDirectory = Directory };
        if (_configure is not null)
            settings = _configure(settings);
        Broker = await BrokerNode.StartAsync(System, settings, new BrokerInfo(settings.NodeId, "127.0.0.1", 9092), Timeout);
    }

    /// <summary>
    /// Restarts the node on the same directory. Clean: the broker stops gracefully first (replicas snapshot their
    /// producer state, flush and close their logs). Not clean: the actor system is terminated under the broker, so
    /// the next start recovers from whatever the logs hold (batch headers replayed from the last snapshot on).
    /// </summary>
    public async Task RestartAsync(bool clean = true)
    {
        await ShutdownAsync(clean);
        await StartNodeAsync();
    }

    /// <summary>The first half of <see cref="RestartAsync"/>, for a test that edits the files of a stopped node.</summary>
    public async Task ShutdownAsync(bool clean)
    {
        if (Broker is null)
            return;
        var states = Broker.Partitions.All.ToList();
        try
        {
            if (clean)
                await Broker.StopAsync(Timeout);
        }
        finally
        {
            await System.Terminate().WaitAsync(Timeout);

            // A replica stopped by the termination closes its log in PostStop; closing again is a no-op, and makes
            // sure no handle of the old incarnation is left when the next one opens the directory.
            foreach (var state in states)
                await state.Log.DisposeAsync();
            _scheduler?.Dispose();
            _scheduler = null;
            Broker = null!;
        }
    }

    /// <summary>The second half of <see cref="RestartAsync"/>.</summary>
    public Task StartAgainAsync() => Broker is null ? StartNodeAsync() : throw new InvalidOperationException("The node is running.");

    public async Task<TopicCreateResult> CreateTopicAsync(string name, int partitions = 1, IReadOnlyDictionary<string, string?>? configs = null)
    {
        var result = await Controller.Ask<TopicCreateResult>(
            new CreateTopic(name, partitions, 1, configs ?? new Dictionary<string, string?>()), Timeout);
        Assert.Equal(ApiError.None, result.Error);
        return result;
    }

    /// <summary>The partition's state (online), failing the test when this broker has no such replica.</summary>
    public PartitionState Partition(string topic, int partition = 0)
    {
        Assert.True(Broker.Partitions.TryGet(new TopicPartition(topic, partition), out var state), $"no online replica of {topic}-{partition}");
        return state;
    }

    public Task<AppendResult> AppendAsync(string topic, byte[] records, short acks = 1, int partition = 0) =>
        Partition(topic, partition).Replica.Ask<AppendResult>(new AppendRecords(records, acks), Timeout);

    /// <summary>Appends and asserts success; returns the base offset.</summary>
    public async Task<long> AppendOkAsync(string topic, byte[] records, short acks = 1, int partition = 0)
    {
        var result = await AppendAsync(topic, records, acks, partition);
        Assert.True(result.Error == ErrorCode.None, $"append failed: {result.Error} {result.Message}");
        return result.BaseOffset;
    }

    public string PartitionDirectory(string topic, int partition) => Path.Combine(Directory, $"{topic}-{partition}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Broker is not null)
                await ShutdownAsync(clean: true);
        }
        finally
        {
            _scheduler?.Dispose();
            if (global::System.IO.Directory.Exists(Directory))
                global::System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>Record batches as a producer would send them (each call returns a fresh array: the replica edits it in place).</summary>
internal static class Batches
{
    public const long Timestamp = 1_700_000_000_000;

    public static byte[] Plain(int records, int valueBytes = 8, CompressionType compression = CompressionType.None, long timestamp = Timestamp) =>
        Build(records, new RecordBatchOptions { Compression = compression }, valueBytes, timestamp);

    public static byte[] Idempotent(long producerId, short epoch, int baseSequence, int records, long timestamp = Timestamp) =>
        Build(records, new RecordBatchOptions { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence }, 8, timestamp);

    public static byte[] Build(int records, RecordBatchOptions options, int valueBytes = 8, long timestamp = Timestamp)
    {
        using var builder = new RecordBatchBuilder(options);
        for (int i = 0; i < records; i++)
        {
            var value = new byte[valueBytes];
            for (int b = 0; b < value.Length; b++)
                value[b] = (byte)('a' + ((i + b) % 26));
            builder.Append(timestamp + i, global::System.Text.Encoding.UTF8.GetBytes($"key-{i}"), value);
        }

        return builder.ToArray();
    }

    /// <summary>Every batch of a read, as copies (base offset, epoch, and the bytes).</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> records)
    {
        var batches = new List<byte[]>();
        var scanner = new RecordBatchScanner(records, validateCrc: false);
        while (scanner.MoveNext())
            batches.Add(scanner.Current.Span.ToArray());
        Assert.Equal(ScanError.None, scanner.Error);
        return batches;
    }

    /// <summary>Reads every committed batch of the partition from <paramref name="offset"/> on.</summary>
    public static async Task<List<byte[]>> ReadAllAsync(PartitionState state, long offset = 0)
    {
        var all = new List<byte[]>();
        while (offset < state.HighWatermark)
        {
            using var fetched = await state.ReadAsync(offset, 1024 * 1024, CancellationToken.None);
            var batches = Split(fetched.Records.Span);
            Assert.NotEmpty(batches);
            all.AddRange(batches);
            offset = new RecordBatch(batches[^1]).NextOffset;
        }

        return all;
    }
}

/// <summary>A wall clock that stands still (the timers of the scheduler still run on real elapsed time).</summary>
internal sealed class FixedClock(DateTimeOffset now) : IClock
{
    private readonly long _origin = global::System.Diagnostics.Stopwatch.GetTimestamp();

    public DateTimeOffset UtcNow { get; set; } = now;

    public TimeSpan Elapsed => global::System.Diagnostics.Stopwatch.GetElapsedTime(_origin);
}

internal static class Eventually
{
    /// <summary>The asynchronous form of <see cref="Holds(Func{bool}, string, TimeSpan?)"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string message, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? BrokerHarness.Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out waiting for: {message}");
            await Task.Delay(10);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (TestKit's AwaitCondition, for tests without a TestKit).</summary>
    public static async Task Holds(Func<bool> condition, string message, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? BrokerHarness.Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out waiting for: {message}");
            await Task.Delay(10);
        }
    }
}
