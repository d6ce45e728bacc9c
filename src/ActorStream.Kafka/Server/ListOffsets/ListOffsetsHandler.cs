using ActorStream.Broker;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.ListOffsets;
using Microsoft.Extensions.Logging;

namespace ActorStream.Kafka.Server.ListOffsets;

/// <summary>
/// ListOffsets: the earliest offset (-2: the log start), the latest (-1: the high watermark, what a consumer can
/// read up to), the record with the largest timestamp (-3, from v7 as in Kafka), or the first offset whose timestamp is
/// at least the given one (from the time index), answered from the leader's log. Only committed offsets are ever
/// named: a match at or past the high watermark is "none" (-1, -1).
/// </summary>
public sealed class ListOffsetsHandler(KafkaServerContext context) : ApiHandler(context)
{
    private const long Latest = -1;
    private const long Earliest = -2;
    private const long MaxTimestamp = -3;
    private const long EarliestLocal = -4;

    public override ApiKey ApiKey => ApiKey.ListOffsets;

    public override ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var response = ListOffsetsMessages.Response.Create();
        foreach (var topic in request.Body.GetStructs("Topics")!)
        {
            string name = topic.GetString("Name")!;
            var topicResponse = response.AddStruct("Topics");
            topicResponse.SetString("Name", name);
            foreach (var partition in topic.GetStructs("Partitions")!)
                Answer(topicResponse.AddStruct("Partitions"), new TopicPartition(name, partition.GetInt32("PartitionIndex")), partition, request.ApiVersion);
        }

        return new ValueTask<KafkaResponse?>(new KafkaResponse(response));
    }

    private void Answer(ProtocolStruct entry, TopicPartition tp, ProtocolStruct partition, short version)
    {
        entry.SetInt32("PartitionIndex", tp.Partition);
        if (!Broker.Partitions.TryGet(tp, out var state))
        {
            var error = NotServedHere(tp);
            entry.SetInt16("ErrorCode", (short)error);
            return;
        }

        long timestamp = partition.GetInt64("Timestamp");
        if ((timestamp == MaxTimestamp && version < 7) || (timestamp < 0 && timestamp is not (Latest or Earliest or EarliestLocal or MaxTimestamp)))
        {
            entry.SetInt16("ErrorCode", (short)ErrorCode.UnsupportedVersion);
            return;
        }

        long highWatermark = state.HighWatermark;
        (long Timestamp, long Offset) found;
        try
        {
            found = timestamp switch
            {
                Latest => (-1, highWatermark),
                Earliest or EarliestLocal => (-1, state.LogStartOffset),
                MaxTimestamp => Committed(state.Log.MaxTimestampAndOffset(), highWatermark),
                _ => Committed(state.Log.OffsetForTimestamp(timestamp), highWatermark),
            };
        }
        catch (Exception e) when (e is Persistence.SegmentLog.LogCorruptException or Records.CorruptRecordException or ObjectDisposedException)
        {
            // Corrupt data on disk, a batch that does not decode, or a segment swapped out under the lookup three times.
            Context.Logger.LogError(e, "ListOffsets on {Partition} could not be answered: {Message}", tp, e.Message);
            entry.SetInt16("ErrorCode", (short)ErrorCode.KafkaStorageError);
            return;
        }

        entry.SetInt16("ErrorCode", 0);
        if (version == 0)
        {
            entry.SetArray("OldStyleOffsets", found.Offset >= 0 ? new[] { found.Offset } : Array.Empty<long>());
            return;
        }

        entry.SetInt64("Timestamp", found.Timestamp);
        entry.SetInt64("Offset", found.Offset);
        if (version >= 4)
            entry.SetInt32("LeaderEpoch", state.LeaderEpoch);
    }

    private static (long Timestamp, long Offset) Committed(Persistence.SegmentLog.TimestampAndOffset? match, long highWatermark) =>
        match is { } m && m.Offset < highWatermark ? (m.Timestamp, m.Offset) : (-1, -1);
}
