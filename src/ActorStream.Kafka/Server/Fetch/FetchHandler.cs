using System.Diagnostics;
using ActorStream.Broker;
using ActorStream.Broker.Replication;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.Fetch;
using ActorStream.Persistence.SegmentLog;
using Microsoft.Extensions.Logging;

namespace ActorStream.Kafka.Server.Fetch;

/// <summary>
/// Fetch: reads each partition's log from the fetch offset up to the high watermark, straight from the leader's log
/// (no actor round trip; reads are thread-safe), within max bytes per partition and per request (the first batch
/// always, so an oversized batch still gets through). With less than min bytes available it waits, up to max wait,
/// for any of the partitions' high watermarks to move (long polling, no busy loop). The records are sent as read:
/// never decompressed, never re-encoded. Fetch sessions (v7+) are not kept: every answer is a full one, session id 0,
/// which clients accept by sending full fetches. Served from v4 (message format v2) on.
/// </summary>
public sealed class FetchHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.Fetch;

    // Fetch v0-v3 readers expect message format v0/v1, and the log holds v2 batches only: Kafka down-converted for
    // them until 4.0 dropped those versions (KIP-896); we never did. Produce v0-v2 is still accepted (converted up).
    public override short MinVersion => 4;

    private sealed record Wanted(string? Topic, Guid TopicId, int Partition, long FetchOffset, int MaxBytes);

    private sealed record Read(Wanted Wanted, ErrorCode Error, FetchedRecords? Records);

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        int maxWaitMs = Math.Max(0, body.GetInt32("MaxWaitMs"));
        int minBytes = body.GetInt32("MinBytes");
        int maxBytes = version >= 3 ? body.GetInt32("MaxBytes") : int.MaxValue;
        var wanted = Parse(body, version);
        var started = Stopwatch.GetTimestamp();

        while (true)
        {
            // Taken before the reads: a high watermark that moves after them completes these, so no wake-up is lost.
            var signals = Signals(wanted);
            var reads = await ReadAllAsync(wanted, maxBytes, cancellationToken).ConfigureAwait(false);
            int total = reads.Sum(r => r.Records?.Records.Length ?? 0);
            var remaining = TimeSpan.FromMilliseconds(maxWaitMs) - Stopwatch.GetElapsedTime(started);
            bool anyError = reads.Exists(r => r.Error != ErrorCode.None);
            if (total >= minBytes || anyError || remaining <= TimeSpan.Zero || wanted.Count == 0)
                return Respond(reads);

            foreach (var read in reads)
                read.Records?.Dispose();
            await WaitForDataAsync(signals, remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    private List<Wanted> Parse(ProtocolStruct body, short version)
    {
        var image = Broker.Metadata.Current;
        var wanted = new List<Wanted>();
        foreach (var topic in body.GetStructs("Topics")!)
        {
            string? name;
            Guid id;
            if (version >= 13)
            {
                id = topic.GetUuid("TopicId");
                name = image.TopicById(id)?.Name;
            }
            else
            {
                name = topic.GetString("Topic");
                id = name is null ? Guid.Empty : image.Topic(name)?.TopicId ?? Guid.Empty;
            }

            foreach (var partition in topic.GetStructs("Partitions")!)
            {
                wanted.Add(new Wanted(name, id, partition.GetInt32("Partition"), partition.GetInt64("FetchOffset"), partition.GetInt32("PartitionMaxBytes")));
            }
        }

        return wanted;
    }

    private async Task<List<Read>> ReadAllAsync(List<Wanted> wanted, int maxBytes, CancellationToken cancellationToken)
    {
        var reads = new List<Read>(wanted.Count);
        int budget = maxBytes;
        foreach (var w in wanted)
        {
            if (w.Topic is null)
            {
                reads.Add(new Read(w, w.TopicId == Guid.Empty ? ErrorCode.UnknownTopicOrPartition : ErrorCode.UnknownTopicId, null));
                continue;
            }

            var tp = new TopicPartition(w.Topic, w.Partition);
            if (!Broker.Partitions.TryGet(tp, out var state))
            {
                var error = NotServedHere(tp);
                reads.Add(new Read(w, error, null));
                continue;
            }

            // Past the request's byte budget a partition is still answered (with its high watermark), just empty.
            int limit = Math.Min(w.MaxBytes, budget);
            if (limit <= 0 && reads.Exists(r => r.Records is { Records.Length: > 0 }))
            {
                reads.Add(new Read(w, ErrorCode.None, new FetchedRecords(ReadOnlyMemory<byte>.Empty, null, state.HighWatermark, state.LogStartOffset)));
                continue;
            }

            try
            {
                var records = await state.ReadAsync(w.FetchOffset, Math.Max(limit, 1), cancellationToken).ConfigureAwait(false);
                budget -= records.Records.Length;
                reads.Add(new Read(w, ErrorCode.None, records));
            }
            catch (OffsetOutOfRangeException)
            {
                reads.Add(new Read(w, ErrorCode.OffsetOutOfRange, null));
            }
            catch (LogCorruptException e)
            {
                Context.Logger.LogError(e, "Fetch of {Partition} at offset {Offset} found corrupt data on disk", tp, w.FetchOffset);
                reads.Add(new Read(w, ErrorCode.KafkaStorageError, null));
            }
        }

        return reads;
    }

    private List<Task> Signals(List<Wanted> wanted)
    {
        var signals = new List<Task>(wanted.Count + 1);
        foreach (var w in wanted)
        {
            if (w.Topic is not null && Broker.Partitions.TryGet(new TopicPartition(w.Topic, w.Partition), out var state))
                signals.Add(state.WhenAdvanced);
        }

        return signals;
    }

    private static async Task WaitForDataAsync(List<Task> signals, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(remaining, timeout.Token);
        signals.Add(delay);
        await Task.WhenAny(signals).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static KafkaResponse Respond(List<Read> reads)
    {
        var builder = new FetchResponseBuilder();
        ProtocolStruct? topic = null;
        Wanted? previous = null;
        foreach (var read in reads)
        {
            var w = read.Wanted;
            if (previous is null || previous.Topic != w.Topic || previous.TopicId != w.TopicId)
                topic = builder.AddTopic(w.Topic ?? "", w.TopicId);
            previous = w;
            var records = read.Records;
            builder.AddPartition(topic!, w.Partition, (short)read.Error,
                records?.HighWatermark ?? -1, records?.HighWatermark ?? -1, records?.LogStartOffset ?? -1,
                records?.Records ?? ReadOnlyMemory<byte>.Empty);
        }

        return new KafkaResponse(builder.Response, lease: new Leases(reads));
    }

    private sealed class Leases(List<Read> reads) : IDisposable
    {
        public void Dispose()
        {
            foreach (var read in reads)
                read.Records?.Dispose();
        }
    }
}
