using ActorStream.Actors;
using ActorStream.Persistence.SegmentLog;
using ActorStream.Records;

namespace ActorStream.Broker.Replication;

/// <summary>What a fetch found: record batches up to the high watermark and what keeps their memory alive.</summary>
public sealed class FetchedRecords(ReadOnlyMemory<byte> records, IDisposable? lease, long highWatermark, long logStartOffset) : IDisposable
{
    private IDisposable? _lease = lease;

    public ReadOnlyMemory<byte> Records { get; } = records;

    public long HighWatermark { get; } = highWatermark;

    public long LogStartOffset { get; } = logStartOffset;

    public void Dispose() => Interlocked.Exchange(ref _lease, null)?.Dispose();
}

/// <summary>
/// The part of a leader replica that request handlers read without a message round trip: the log (reads are
/// thread-safe), the high watermark, and a signal that completes when the high watermark moves, which a waiting
/// fetch awaits. Only the replica actor writes it.
/// </summary>
public sealed class PartitionState
{
    private long _highWatermark;
    private TaskCompletionSource _advanced = NewSignal();
    private volatile bool _online = true;
    private readonly TaskCompletionSource _offline = NewSignal();

    internal PartitionState(TopicPartition topicPartition, Guid topicId, Log log, int leaderEpoch)
    {
        TopicPartition = topicPartition;
        TopicId = topicId;
        Log = log;
        LeaderEpoch = leaderEpoch;
    }

    public TopicPartition TopicPartition { get; }

    public Guid TopicId { get; }

    public Log Log { get; }

    public int LeaderEpoch { get; }

    /// <summary>The leader replica actor, to which appends go.</summary>
    public IActorRef Replica { get; internal set; } = ActorRefs.NoSender;

    /// <summary>Offsets below this are committed (on every in-sync replica) and visible to consumers.</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    public long LogStartOffset => Log.LogStartOffset;

    public long LogEndOffset => Log.LogEndOffset;

    /// <summary>False once the replica stopped (topic deleted, node shutting down): callers answer as if unknown.</summary>
    public bool IsOnline => _online;

    /// <summary>
    /// Whether <paramref name="ask"/>, a question to this partition's replica, was answered before the replica stopped
    /// (a failure, a deletion, the node stopping). When it was not, no answer is coming: the ask is left to its
    /// timeout, whose failure is observed here.
    /// </summary>
    public async Task<bool> AnsweredBeforeOfflineAsync(Task ask)
    {
        if (await Task.WhenAny(ask, _offline.Task).ConfigureAwait(false) == ask)
            return true;
        _ = ask.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return false;
    }

    /// <summary>Completes the next time the high watermark moves or the partition goes offline.</summary>
    public Task WhenAdvanced => Volatile.Read(ref _advanced).Task;

    internal void AdvanceHighWatermark(long highWatermark)
    {
        if (highWatermark <= Volatile.Read(ref _highWatermark))
            return;
        Volatile.Write(ref _highWatermark, highWatermark);
        Interlocked.Exchange(ref _advanced, NewSignal()).TrySetResult();
    }

    internal void GoOffline()
    {
        _online = false;
        Interlocked.Exchange(ref _advanced, NewSignal()).TrySetResult();
        _offline.TrySetResult();
    }

    /// <summary>
    /// Reads whole batches from <paramref name="offset"/> up to <paramref name="maxBytes"/> (at least one batch, as
    /// Kafka does, so a batch larger than the limit still gets through) and never past the high watermark.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">The offset is below the log start or beyond the log end.</exception>
    public async ValueTask<FetchedRecords> ReadAsync(long offset, int maxBytes, CancellationToken cancellationToken)
    {
        long highWatermark = HighWatermark;
        long logStart = LogStartOffset;
        if (offset < logStart || offset > LogEndOffset)
            throw new OffsetOutOfRangeException(offset, logStart, LogEndOffset);
        if (offset >= highWatermark)
            return new FetchedRecords(ReadOnlyMemory<byte>.Empty, null, highWatermark, logStart);

        var read = await Log.ReadAsync(offset, Math.Max(maxBytes, 1), cancellationToken).ConfigureAwait(false);
        var records = read.Records;
        int visible = VisibleLength(records.Span, highWatermark);
        return new FetchedRecords(records[..visible], read, highWatermark, logStart);
    }

    // Cuts the read at the first batch that reaches the high watermark: records appended but not yet committed
    // stay invisible (with replication, until every in-sync replica has them).
    private static int VisibleLength(ReadOnlySpan<byte> records, long highWatermark)
    {
        var scanner = new RecordBatchScanner(records, validateCrc: false);
        int visible = 0;
        while (scanner.MoveNext())
        {
            if (scanner.Current.LastOffset >= highWatermark)
                break;
            visible = scanner.ValidBytes;
        }

        return visible;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
