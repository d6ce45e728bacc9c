using System.Text;
using ActorStream.Actors;
using ActorStream.Broker.Controller;
using ActorStream.Broker.Metadata;
using ActorStream.Broker.Replication;
using ActorStream.Records;
using Microsoft.Extensions.Logging;

namespace ActorStream.Broker.Groups;

/// <summary>Asks which broker coordinates a group: the leader of the group's __consumer_offsets partition.</summary>
public sealed record FindCoordinator(string GroupId);

public sealed record CoordinatorFound(ErrorCode Error, int NodeId, string? Message = null);

/// <summary>
/// Hosts the coordinators of the groups whose __consumer_offsets partition this broker leads: one
/// <see cref="GroupCoordinator"/> child per group, created on a group's first request, and routes every group request
/// to it (the reply goes straight from the coordinator to the asker). The offsets topic is created (compacted, 50
/// partitions by default) on the first group request, as Kafka does; at start the manager reads every partition of it
/// and resumes each group's coordinator with its committed offsets and membership. Requests wait (stashed) while the
/// topic is created or loaded.
/// </summary>
public sealed class GroupManager : ReceiveActor, IWithStash
{
    private readonly GroupSettings _settings;
    private readonly BrokerSettings _broker;
    private readonly MetadataCache _metadata;
    private readonly PartitionRegistry _partitions;
    private readonly IActorRef _controller;
    private readonly TimeSpan _askTimeout;

    public GroupManager(BrokerSettings broker, MetadataCache metadata, PartitionRegistry partitions, IActorRef controller, TimeSpan askTimeout)
    {
        _broker = broker;
        _settings = broker.Groups;
        _metadata = metadata;
        _partitions = partitions;
        _controller = controller;
        _askTimeout = askTimeout;
        // The initial behaviour: the handlers registered by the constructor.
        if (metadata.Current.Topic(GroupPartitioner.OffsetsTopic) is null)
            Ready();
        else
            Loading();
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(BrokerSettings broker, MetadataCache metadata, PartitionRegistry partitions, IActorRef controller, TimeSpan askTimeout) =>
        Actors.Props.Create(() => new GroupManager(broker, metadata, partitions, controller, askTimeout));

    private int OffsetsPartitions => _metadata.Current.Topic(GroupPartitioner.OffsetsTopic)?.Partitions.Length ?? _settings.OffsetsTopicPartitions;

    protected override void PreStart()
    {
        if (_metadata.Current.Topic(GroupPartitioner.OffsetsTopic) is not null)
            LoadAsync().PipeTo(Self, Self, groups => new Loaded(groups, null), e => new Loaded([], e));
    }

    private void Loading()
    {
        Receive<Loaded>(loaded =>
        {
            if (loaded.Failure is { } failure)
                Log.LogError(failure, "Reading the consumer groups from {Topic} failed; groups start empty", GroupPartitioner.OffsetsTopic);
            foreach (var group in loaded.Groups.Values)
                StartCoordinator(group.GroupId, group);
            Log.LogInformation("Loaded {Groups} consumer group(s) with {Offsets} committed offset(s) from {Topic}",
                loaded.Groups.Count, loaded.Groups.Values.Sum(g => g.Offsets.Count), GroupPartitioner.OffsetsTopic);
            Become(Ready);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void CreatingTopic()
    {
        Receive<OffsetsTopicCreated>(created =>
        {
            if (created.Error.IsError && created.Error.Code != ErrorCode.TopicAlreadyExists)
                Log.LogError("Creating {Topic} failed: {Error}; group requests will be answered COORDINATOR_NOT_AVAILABLE", GroupPartitioner.OffsetsTopic, created.Error);
            Become(Ready);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Receive<FindCoordinator>(find =>
        {
            if (!EnsureOffsetsTopic())
                return;
            var tp = new TopicPartition(GroupPartitioner.OffsetsTopic, GroupPartitioner.PartitionFor(find.GroupId, OffsetsPartitions));
            var leader = _metadata.Current.Partition(tp)?.Leader ?? -1;
            string? offline = _partitions.OfflineReason(tp); // this broker's partitions only: it leads what it lists
            Sender.Tell(leader < 0 ? new CoordinatorFound(ErrorCode.CoordinatorNotAvailable, -1, $"{tp} has no leader")
                : offline is not null ? new CoordinatorFound(ErrorCode.CoordinatorNotAvailable, -1, $"{tp} is offline: {offline}")
                : new CoordinatorFound(ErrorCode.None, leader));
        });
        Receive<ListGroups>(list =>
        {
            var children = Context.GetChildren().ToList();
            var timeout = _askTimeout;
            async Task<GroupsListed> GatherAsync()
            {
                var listed = new List<ListedGroup>();
                foreach (var child in children)
                {
                    try
                    {
                        listed.Add(await child.Ask<ListedGroup>(list, timeout).ConfigureAwait(false));
                    }
                    catch (AskTimeoutException)
                    {
                        // A coordinator that stopped meanwhile (its group was deleted) is not listed.
                    }
                }

                return new GroupsListed([.. listed.Where(g => list.States is null || list.States.Count == 0 || list.States.Contains(g.State)).OrderBy(g => g.GroupId, StringComparer.Ordinal)]);
            }

            GatherAsync().PipeTo(Sender, Self, r => r, _ => new GroupsListed([]));
        });
        Receive<IGroupRequest>(Route);
    }

    private void Route(IGroupRequest request)
    {
        var child = Context.Child(ChildName(request.GroupId));
        if (child is not null)
        {
            child.Forward(request);
            return;
        }

        // The group's offsets partition is offline (its log failed and is being reopened): its groups cannot be known.
        var offsetsPartition = new TopicPartition(GroupPartitioner.OffsetsTopic, GroupPartitioner.PartitionFor(request.GroupId, OffsetsPartitions));
        if (_partitions.OfflineReason(offsetsPartition) is not null)
        {
            switch (request)
            {
                case FetchOffsets:
                    Sender.Tell(new OffsetsFetched(ErrorCode.CoordinatorNotAvailable, []));
                    return;
                case DescribeGroup describe:
                    Sender.Tell(new GroupDescription(ErrorCode.CoordinatorNotAvailable, describe.GroupId, GroupState.Dead, "", "", []));
                    return;
            }
        }

        switch (request)
        {
            // Questions about a group that does not exist are answered here, without creating it.
            case FetchOffsets fetch:
                Sender.Tell(new OffsetsFetched(ErrorCode.None, [.. (fetch.Partitions ?? []).Select(tp => new CommittedOffset(tp, -1, -1, null, -1))]));
                return;
            case DescribeGroup describe:
                Sender.Tell(new GroupDescription(ErrorCode.None, describe.GroupId, GroupState.Dead, "", "", []));
                return;
            case DeleteGroup delete:
                Sender.Tell(new GroupDeleted(delete.GroupId, ErrorCode.GroupIdNotFound));
                return;
        }

        if (!EnsureOffsetsTopic())
            return;
        if (StartCoordinator(request.GroupId, null) is { } started)
            started.Forward(request);
        else
            Sender.Tell(new StatusFailure(new InvalidOperationException($"The {GroupPartitioner.OffsetsTopic} partition of group {request.GroupId} is not led by this broker")));
    }

    // Creates the offsets topic on first use; false when the request was stashed until it exists.
    private bool EnsureOffsetsTopic()
    {
        if (_metadata.Current.Topic(GroupPartitioner.OffsetsTopic) is not null)
            return true;
        Stash.Stash();
        Become(CreatingTopic);
        var create = new CreateTopic(GroupPartitioner.OffsetsTopic, _settings.OffsetsTopicPartitions, -1, new Dictionary<string, string?>
        {
            ["cleanup.policy"] = "compact",
            ["segment.bytes"] = (100 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Log.LogInformation("Creating {Topic} ({Partitions} partitions, compacted) for the first consumer group", GroupPartitioner.OffsetsTopic, _settings.OffsetsTopicPartitions);
        _controller.Ask<TopicCreateResult>(create, _askTimeout)
            .PipeTo(Self, Self, r => new OffsetsTopicCreated(r.Error), e => new OffsetsTopicCreated(new ApiError(ErrorCode.RequestTimedOut, e.Message)));
        return false;
    }

    private IActorRef? StartCoordinator(string groupId, LoadedGroup? loaded)
    {
        var tp = new TopicPartition(GroupPartitioner.OffsetsTopic, GroupPartitioner.PartitionFor(groupId, OffsetsPartitions));
        if (!_partitions.TryGet(tp, out _))
            return null;
        var clock = Context.System.Clock;
        var log = new OffsetsTopicLog(_partitions, tp, _askTimeout, () => clock.UtcNow.ToUnixTimeMilliseconds());
        var metadata = _metadata;
        return Context.ActorOf(GroupCoordinator.Props(groupId, _settings, log, loaded, topic => metadata.Current.Topic(topic)?.Partitions.Length), ChildName(groupId));
    }

    private static string ChildName(string groupId) => "group-" + Convert.ToHexString(Encoding.UTF8.GetBytes(groupId));

    // Reads every offsets partition from its start to its high watermark, folding the records into per-group state.
    private async Task<Dictionary<string, LoadedGroup>> LoadAsync()
    {
        var groups = new Dictionary<string, LoadedGroup>(StringComparer.Ordinal);
        for (int p = 0; p < OffsetsPartitions; p++)
        {
            if (!_partitions.TryGet(new TopicPartition(GroupPartitioner.OffsetsTopic, p), out var partition))
                continue;
            long offset = partition.LogStartOffset;
            while (offset < partition.HighWatermark)
            {
                using var read = await partition.ReadAsync(offset, 1 << 20, CancellationToken.None).ConfigureAwait(false);
                long next = Apply(groups, read.Records.Span, offset);
                if (next <= offset)
                    break;
                offset = next;
            }
        }

        return groups;
    }

    private static long Apply(Dictionary<string, LoadedGroup> groups, ReadOnlySpan<byte> records, long from)
    {
        long next = from;
        var scanner = new RecordBatchScanner(records);
        while (scanner.MoveNext())
        {
            var batch = scanner.Current;
            next = batch.NextOffset;
            foreach (var record in batch.GetRecords())
            {
                if (record.Offset < from || record.IsKeyNull)
                    continue;
                GroupRecords.Apply(groups, record.Key, record.Value, record.IsValueNull);
            }
        }

        return next;
    }

    private sealed record Loaded(Dictionary<string, LoadedGroup> Groups, Exception? Failure);

    private sealed record OffsetsTopicCreated(ApiError Error);
}
