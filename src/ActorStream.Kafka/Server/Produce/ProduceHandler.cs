using ActorStream.Broker;
using ActorStream.Broker.Replication;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Messages.Produce;
using ActorStream.Records;

namespace ActorStream.Kafka.Server.Produce;

/// <summary>
/// Produce: each partition's record batches go, as slices of the request frame, to the local leader replica, which
/// assigns offsets in place and appends them. The frame is detached from the connection for the duration, so the
/// bytes stay valid until every replica answered (and, if one never does, are left to the garbage collector rather
/// than returned to the pool under a pending write). acks=0 is not answered, as Kafka does. Produce v0-v2 message
/// sets (magic 0/1) are converted to one v2 batch first, so old clients work too.
/// </summary>
public sealed class ProduceHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.Produce;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var reader = new ProduceRequestReader(request.Body);
        short acks = reader.Acks;
        var results = new List<(string Topic, int Partition, Task<AppendResult> Result)>();
        bool validAcks = acks is -1 or 0 or 1;
        bool transactional = reader.TransactionalId is not null;
        var frame = request.DetachFrame();
        bool allAnswered = false;
        try
        {
            for (int t = 0; t < reader.TopicCount; t++)
            {
                string topic = reader.TopicName(t);
                for (int p = 0; p < reader.PartitionCount(t); p++)
                {
                    int partition = reader.PartitionIndex(t, p);
                    Task<AppendResult> result =
                        !validAcks ? Task.FromResult(AppendResult.Failed(ErrorCode.InvalidRequiredAcks, $"acks must be -1, 0 or 1, not {acks}"))
                        : transactional ? Task.FromResult(AppendResult.Failed(ErrorCode.TransactionalIdAuthorizationFailed, "transactions are not supported"))
                        : AppendAsync(new TopicPartition(topic, partition), reader.Records(t, p), acks, request.ApiVersion, cancellationToken);
                    results.Add((topic, partition, result));
                }
            }

            await Task.WhenAll(results.Select(r => r.Result)).ConfigureAwait(false);
            // A timed-out append may still be writing from the frame; one cut short by its replica stopping is not,
            // but the frame stays out of the pool in both cases (the GC takes it), which costs nothing on the hot path.
            allAnswered = results.TrueForAll(r => r.Result.Result.Error is not (ErrorCode.RequestTimedOut or ErrorCode.KafkaStorageError));
        }
        finally
        {
            // Only once no replica can still be writing from the frame does it go back to the pool.
            if (allAnswered)
                frame.Dispose();
        }

        if (acks == 0)
            return null;

        var response = ProduceMessages.Response.Create();
        foreach (var group in results.GroupBy(r => r.Topic, StringComparer.Ordinal))
        {
            var topic = response.AddStruct("Responses");
            topic.SetString("Name", group.Key);
            foreach (var (_, partition, task) in group)
            {
                var result = task.Result;
                var entry = topic.AddStruct("PartitionResponses");
                entry.SetInt32("Index", partition);
                entry.SetInt16("ErrorCode", (short)result.Error);
                entry.SetInt64("BaseOffset", result.BaseOffset);
                entry.SetInt64("LogAppendTimeMs", result.LogAppendTime);
                entry.SetInt64("LogStartOffset", result.LogStartOffset);
                entry.SetString("ErrorMessage", result.Message);
            }
        }

        return new KafkaResponse(response);
    }

    private async Task<AppendResult> AppendAsync(TopicPartition tp, ReadOnlyMemory<byte>? records, short acks, short version, CancellationToken cancellationToken)
    {
        if (!Broker.Partitions.TryGet(tp, out var partition))
        {
            var error = NotServedHere(tp);
            return AppendResult.Failed(error, $"{tp} is not led by broker {Broker.NodeId}");
        }

        if (records is not { Length: > 0 } bytes)
            return AppendResult.Failed(ErrorCode.InvalidRecord, $"{tp}: produce request without records");

        if (LegacyMessageSet.LooksLegacy(bytes.Span))
        {
            if (version > 2)
                return AppendResult.Failed(ErrorCode.InvalidRecord, $"{tp}: Produce v{version} requires message format v2 (magic 2)");
            try
            {
                bytes = LegacyMessageSet.ConvertToRecordBatch(bytes.Span);
            }
            catch (Exception e) when (e is CorruptRecordException or UnsupportedCompressionException)
            {
                return AppendResult.Failed(ErrorCode.CorruptMessage, $"{tp}: {e.Message}");
            }
        }

        var append = AskAsync<AppendResult>(partition.Replica, new AppendRecords(bytes, acks), cancellationToken);
        if (!await partition.AnsweredBeforeOfflineAsync(append).ConfigureAwait(false))
        {
            // The replica stopped with the append in flight (its log failed, or the topic or node is going away):
            // no answer is coming, so say so now instead of timing out. The write may or may not be on disk.
            var error = NotServedHere(tp);
            if (error == ErrorCode.NotLeaderOrFollower && Broker.Metadata.Current.Partition(tp)?.Leader == Broker.NodeId)
                error = ErrorCode.KafkaStorageError; // still ours: its replica stopped (the manager marks it offline next)
            return AppendResult.Failed(error, error == ErrorCode.KafkaStorageError
                ? $"{tp} went offline during the append: {Broker.Partitions.OfflineReason(tp) ?? "its replica stopped (see the broker log)"}"
                : $"{tp} stopped being served by broker {Broker.NodeId} during the append");
        }

        return await append.ConfigureAwait(false)
            ?? AppendResult.Failed(ErrorCode.RequestTimedOut, $"{tp}: the append did not complete within {Context.AskTimeout}");
    }
}
