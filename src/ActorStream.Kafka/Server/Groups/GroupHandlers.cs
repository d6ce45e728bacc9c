using System.Net;
using ActorStream.Broker;
using ActorStream.Broker.Groups;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Codec;
using ActorStream.Kafka.Protocol.Messages.DeleteGroups;
using ActorStream.Kafka.Protocol.Messages.DescribeGroups;
using ActorStream.Kafka.Protocol.Messages.FindCoordinator;
using ActorStream.Kafka.Protocol.Messages.Heartbeat;
using ActorStream.Kafka.Protocol.Messages.JoinGroup;
using ActorStream.Kafka.Protocol.Messages.LeaveGroup;
using ActorStream.Kafka.Protocol.Messages.ListGroups;
using ActorStream.Kafka.Protocol.Messages.OffsetCommit;
using ActorStream.Kafka.Protocol.Messages.OffsetDelete;
using ActorStream.Kafka.Protocol.Messages.OffsetFetch;
using ActorStream.Kafka.Protocol.Messages.SyncGroup;

namespace ActorStream.Kafka.Server.Groups;

/// <summary>Shared by the group APIs: asking the group manager (and through it the group's coordinator).</summary>
public abstract class GroupApiHandler(KafkaServerContext context) : ApiHandler(context)
{
    /// <summary>
    /// Asks the group's coordinator; null when it did not answer in time (answered as COORDINATOR_NOT_AVAILABLE).
    /// JoinGroup and SyncGroup are held for a rebalance, so they may wait longer than the ask timeout.
    /// </summary>
    protected Task<T?> AskGroupAsync<T>(object message, CancellationToken cancellationToken, TimeSpan? longerWait = null)
        where T : class =>
        AskAsync<T>(Broker.Groups, message, cancellationToken, longerWait > Context.AskTimeout ? longerWait : null);

    protected static string ClientHost(KafkaRequest request) =>
        request.Connection.RemoteEndPoint is IPEndPoint ip ? "/" + ip.Address : request.Connection.RemoteEndPoint?.ToString() ?? "";

    protected static bool ValidGroupId(string? groupId) => !string.IsNullOrEmpty(groupId);

    /// <summary>Per-partition results as OffsetCommit and OffsetDelete answer them: Topics[Name, Partitions[PartitionIndex, ErrorCode]].</summary>
    protected static void AddPartitionErrors(ProtocolStruct response, IEnumerable<(TopicPartition TopicPartition, ErrorCode Error)> results)
    {
        foreach (var topic in results.GroupBy(r => r.TopicPartition.Topic, StringComparer.Ordinal))
        {
            var t = response.AddStruct("Topics");
            t.SetString("Name", topic.Key);
            foreach (var (tp, error) in topic)
            {
                var p = t.AddStruct("Partitions");
                p.SetInt32("PartitionIndex", tp.Partition);
                p.SetInt16("ErrorCode", (short)error);
            }
        }
    }
}

/// <summary>FindCoordinator: the broker leading the group's __consumer_offsets partition (created on first use). v4+ asks for several keys.</summary>
public sealed class FindCoordinatorHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    private const sbyte GroupKeyType = 0;

    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        sbyte keyType = version >= 1 ? body.GetInt8("KeyType") : GroupKeyType;
        var keys = version >= 4 ? body.GetArray<string>("CoordinatorKeys")! : [body.GetString("Key")!];
        var answers = new List<(string Key, ErrorCode Error, string? Message, int Node)>();
        foreach (var key in keys)
        {
            if (keyType != GroupKeyType)
            {
                answers.Add((key, ErrorCode.CoordinatorNotAvailable, "transactions are not supported", -1));
                continue;
            }

            if (!ValidGroupId(key))
            {
                answers.Add((key, ErrorCode.InvalidGroupId, "the group id is empty", -1));
                continue;
            }

            var found = await AskGroupAsync<CoordinatorFound>(new FindCoordinator(key), cancellationToken).ConfigureAwait(false);
            answers.Add(found is null ? (key, ErrorCode.CoordinatorNotAvailable, "the group manager did not answer in time", -1) : (key, found.Error, found.Message, found.NodeId));
        }

        var response = FindCoordinatorMessages.Response.Create();
        var self = Context.Advertised;
        void Fill(ProtocolStruct target, ErrorCode error, string? message, int node)
        {
            // v4+ answers each key in its own struct; older versions answer their one key in the body, same fields.
            target.SetInt16("ErrorCode", (short)error);
            target.SetString("ErrorMessage", message);
            target.SetInt32("NodeId", error == ErrorCode.None ? node : -1);
            target.SetString("Host", error == ErrorCode.None ? self.Host : "");
            target.SetInt32("Port", error == ErrorCode.None ? self.Port : -1);
        }

        if (version >= 4)
        {
            foreach (var (key, error, message, node) in answers)
            {
                var c = response.AddStruct("Coordinators");
                c.SetString("Key", key);
                Fill(c, error, message, node);
            }
        }
        else
        {
            var (_, error, message, node) = answers[0];
            Fill(response, error, message, node);
        }

        return new KafkaResponse(response);
    }
}

/// <summary>JoinGroup: held until the group's rebalance completes (up to the member's rebalance timeout).</summary>
public sealed class JoinGroupHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.JoinGroup;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        string groupId = body.GetString("GroupId")!;
        int sessionTimeout = body.GetInt32("SessionTimeoutMs");
        int rebalanceTimeout = version >= 1 ? body.GetInt32("RebalanceTimeoutMs") : sessionTimeout;
        JoinGroupResult? result;
        if (!ValidGroupId(groupId))
        {
            result = JoinGroupResult.Failed(ErrorCode.InvalidGroupId, body.GetString("MemberId")!);
        }
        else
        {
            var join = new JoinGroup(
                groupId,
                body.GetString("MemberId")!,
                version >= 5 ? body.GetString("GroupInstanceId") : null,
                request.Header.ClientId ?? "",
                ClientHost(request),
                sessionTimeout,
                rebalanceTimeout,
                body.GetString("ProtocolType")!,
                [.. body.GetStructs("Protocols")!.Select(p => new GroupProtocolEntry(p.GetString("Name")!, p.GetBytes("Metadata")?.ToArray() ?? []))],
                RequireKnownMemberId: version >= 4);
            result = await AskGroupAsync<JoinGroupResult>(join, cancellationToken, TimeSpan.FromMilliseconds(Math.Max(rebalanceTimeout, sessionTimeout)) + TimeSpan.FromSeconds(5)).ConfigureAwait(false)
                ?? JoinGroupResult.Failed(ErrorCode.CoordinatorNotAvailable, join.MemberId);
        }

        var response = JoinGroupMessages.Response.Create();
        response.SetInt16("ErrorCode", (short)result.Error);
        response.SetInt32("GenerationId", result.GenerationId);
        response.SetString("ProtocolType", result.ProtocolType);
        // Before v7 the protocol name is not nullable: an error answer carries an empty one.
        response.SetString("ProtocolName", result.ProtocolName ?? (version >= 7 ? null : ""));
        response.SetString("Leader", result.Leader);
        if (version >= 9)
            response.SetBool("SkipAssignment", result.SkipAssignment);
        response.SetString("MemberId", result.MemberId);
        foreach (var member in result.Members)
        {
            var m = response.AddStruct("Members");
            m.SetString("MemberId", member.MemberId);
            m.SetString("GroupInstanceId", member.GroupInstanceId);
            m.SetBytes("Metadata", member.Metadata);
        }

        return new KafkaResponse(response);
    }
}

/// <summary>SyncGroup: the leader hands in the assignment; every member gets its own (held until the leader's arrives).</summary>
public sealed class SyncGroupHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.SyncGroup;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var a in body.GetStructs("Assignments")!)
            assignments[a.GetString("MemberId")!] = a.GetBytes("Assignment")?.ToArray() ?? [];
        var sync = new SyncGroup(
            body.GetString("GroupId")!,
            body.GetInt32("GenerationId"),
            body.GetString("MemberId")!,
            version >= 3 ? body.GetString("GroupInstanceId") : null,
            version >= 5 ? body.GetString("ProtocolType") : null,
            version >= 5 ? body.GetString("ProtocolName") : null,
            assignments);
        // The leader may take up to the rebalance timeout to assign; followers wait for it.
        var result = await AskGroupAsync<SyncGroupResult>(sync, cancellationToken, TimeSpan.FromMinutes(5)).ConfigureAwait(false)
            ?? SyncGroupResult.Failed(ErrorCode.CoordinatorNotAvailable);
        var response = SyncGroupMessages.Response.Create();
        response.SetInt16("ErrorCode", (short)result.Error);
        response.SetString("ProtocolType", result.ProtocolType);
        response.SetString("ProtocolName", result.ProtocolName);
        response.SetBytes("Assignment", result.Assignment);
        return new KafkaResponse(response);
    }
}

public sealed class HeartbeatHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var heartbeat = new Heartbeat(body.GetString("GroupId")!, body.GetInt32("GenerationId"), body.GetString("MemberId")!,
            request.ApiVersion >= 3 ? body.GetString("GroupInstanceId") : null);
        var result = await AskGroupAsync<HeartbeatResult>(heartbeat, cancellationToken).ConfigureAwait(false);
        var response = HeartbeatMessages.Response.Create();
        response.SetInt16("ErrorCode", (short)(result?.Error ?? ErrorCode.CoordinatorNotAvailable));
        return new KafkaResponse(response);
    }
}

public sealed class LeaveGroupHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        List<LeavingMember> members = version >= 3
            ? [.. body.GetStructs("Members")!.Select(m => new LeavingMember(m.GetString("MemberId")!, m.GetString("GroupInstanceId")))]
            : [new LeavingMember(body.GetString("MemberId")!, null)];
        var result = await AskGroupAsync<LeaveGroupResult>(new LeaveGroup(body.GetString("GroupId")!, members), cancellationToken).ConfigureAwait(false)
            ?? new LeaveGroupResult(ErrorCode.CoordinatorNotAvailable, []);
        var response = LeaveGroupMessages.Response.Create();
        response.SetInt16("ErrorCode", (short)(version >= 3 ? (result.Members.Count == 0 ? result.Error : ErrorCode.None) : result.Error));
        if (version >= 3)
        {
            foreach (var (member, error) in result.Members)
            {
                var m = response.AddStruct("Members");
                m.SetString("MemberId", member.MemberId);
                m.SetString("GroupInstanceId", member.GroupInstanceId);
                m.SetInt16("ErrorCode", (short)error);
            }
        }

        return new KafkaResponse(response);
    }
}

public sealed class OffsetCommitHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        var offsets = new List<OffsetToCommit>();
        foreach (var topic in body.GetStructs("Topics")!)
        {
            string name = topic.GetString("Name")!;
            foreach (var p in topic.GetStructs("Partitions")!)
            {
                offsets.Add(new OffsetToCommit(new TopicPartition(name, p.GetInt32("PartitionIndex")), p.GetInt64("CommittedOffset"),
                    version >= 6 ? p.GetInt32("CommittedLeaderEpoch") : -1, p.GetString("CommittedMetadata")));
            }
        }

        string groupId = body.GetString("GroupId")!;
        OffsetsCommitted? result = null;
        if (!ValidGroupId(groupId))
        {
            result = new OffsetsCommitted([.. offsets.Select(o => (o.TopicPartition, ErrorCode.InvalidGroupId))]);
        }
        else
        {
            var commit = new CommitOffsets(groupId, version >= 1 ? body.GetInt32("GenerationIdOrMemberEpoch") : -1, version >= 1 ? body.GetString("MemberId")! : "",
                version >= 7 ? body.GetString("GroupInstanceId") : null, offsets);
            result = await AskGroupAsync<OffsetsCommitted>(commit, cancellationToken).ConfigureAwait(false)
                ?? new OffsetsCommitted([.. offsets.Select(o => (o.TopicPartition, ErrorCode.CoordinatorNotAvailable))]);
        }

        var response = OffsetCommitMessages.Response.Create();
        AddPartitionErrors(response, result.Results);
        return new KafkaResponse(response);
    }
}

/// <summary>OffsetFetch: committed offsets; -1 for a partition without a commit, so the client's auto.offset.reset decides.</summary>
public sealed class OffsetFetchHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        short version = request.ApiVersion;
        var response = OffsetFetchMessages.Response.Create();
        if (version >= 8)
        {
            foreach (var group in body.GetStructs("Groups")!)
            {
                var fetched = await FetchAsync(group.GetString("GroupId")!, group.GetStructs("Topics"), cancellationToken).ConfigureAwait(false);
                var g = response.AddStruct("Groups");
                g.SetString("GroupId", group.GetString("GroupId"));
                g.SetInt16("ErrorCode", (short)fetched.Error);
                Fill(g, fetched);
            }

            return new KafkaResponse(response);
        }

        var result = await FetchAsync(body.GetString("GroupId")!, body.GetStructs("Topics"), cancellationToken).ConfigureAwait(false);
        if (version >= 2)
            response.SetInt16("ErrorCode", (short)result.Error);
        Fill(response, result);
        return new KafkaResponse(response);
    }

    private async Task<OffsetsFetched> FetchAsync(string groupId, List<ProtocolStruct>? topics, CancellationToken cancellationToken)
    {
        // Null topics (v2+) ask for every committed partition.
        List<TopicPartition>? partitions = topics is null ? null
            : [.. topics.SelectMany(t => t.GetArray<int>("PartitionIndexes")!.Select(p => new TopicPartition(t.GetString("Name")!, p)))];
        if (!ValidGroupId(groupId))
            return new OffsetsFetched(ErrorCode.InvalidGroupId, []);
        return await AskGroupAsync<OffsetsFetched>(new FetchOffsets(groupId, partitions), cancellationToken).ConfigureAwait(false)
            ?? new OffsetsFetched(ErrorCode.CoordinatorNotAvailable, []);
    }

    private static void Fill(ProtocolStruct parent, OffsetsFetched fetched)
    {
        foreach (var topic in fetched.Offsets.GroupBy(o => o.TopicPartition.Topic, StringComparer.Ordinal))
        {
            var t = parent.AddStruct("Topics");
            t.SetString("Name", topic.Key);
            foreach (var offset in topic)
            {
                var p = t.AddStruct("Partitions");
                p.SetInt32("PartitionIndex", offset.TopicPartition.Partition);
                p.SetInt64("CommittedOffset", offset.Offset);
                p.SetInt32("CommittedLeaderEpoch", offset.LeaderEpoch);
                p.SetString("Metadata", offset.Metadata ?? "");
                p.SetInt16("ErrorCode", (short)offset.Error);
            }
        }
    }
}

public sealed class OffsetDeleteHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.OffsetDelete;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var partitions = body.GetStructs("Topics")!
            .SelectMany(t => t.GetStructs("Partitions")!.Select(p => new TopicPartition(t.GetString("Name")!, p.GetInt32("PartitionIndex"))))
            .ToList();
        var result = await AskGroupAsync<OffsetsDeleted>(new DeleteOffsets(body.GetString("GroupId")!, partitions), cancellationToken).ConfigureAwait(false)
            ?? new OffsetsDeleted(ErrorCode.CoordinatorNotAvailable, []);
        var response = OffsetDeleteMessages.Response.Create();
        response.SetInt16("ErrorCode", (short)result.Error);
        AddPartitionErrors(response, result.Results);
        return new KafkaResponse(response);
    }
}

public sealed class ListGroupsHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.ListGroups;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var states = request.ApiVersion >= 4
            ? body.GetArray<string>("StatesFilter")!.Select(s => Enum.TryParse<GroupState>(s, ignoreCase: true, out var state) ? state : (GroupState?)null).Where(s => s is not null).Select(s => s!.Value).ToList()
            : null;
        var result = await AskGroupAsync<GroupsListed>(new ListGroups(states), cancellationToken).ConfigureAwait(false);
        var response = ListGroupsMessages.Response.Create();
        response.SetInt16("ErrorCode", (short)(result is null ? ErrorCode.CoordinatorNotAvailable : ErrorCode.None));
        foreach (var group in result?.Groups ?? [])
        {
            var g = response.AddStruct("Groups");
            g.SetString("GroupId", group.GroupId);
            g.SetString("ProtocolType", group.ProtocolType);
            g.SetString("GroupState", group.State.ToString());
            g.SetString("GroupType", "classic");
        }

        return new KafkaResponse(response);
    }
}

public sealed class DescribeGroupsHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var response = DescribeGroupsMessages.Response.Create();
        foreach (var groupId in request.Body.GetArray<string>("Groups")!)
        {
            var d = await AskGroupAsync<GroupDescription>(new DescribeGroup(groupId), cancellationToken).ConfigureAwait(false)
                ?? new GroupDescription(ErrorCode.CoordinatorNotAvailable, groupId, GroupState.Dead, "", "", []);
            var g = response.AddStruct("Groups");
            g.SetInt16("ErrorCode", (short)d.Error);
            g.SetString("GroupId", groupId);
            g.SetString("GroupState", d.State.ToString());
            g.SetString("ProtocolType", d.ProtocolType);
            g.SetString("ProtocolData", d.Protocol);
            foreach (var member in d.Members)
            {
                var m = g.AddStruct("Members");
                m.SetString("MemberId", member.MemberId);
                m.SetString("GroupInstanceId", member.GroupInstanceId);
                m.SetString("ClientId", member.ClientId);
                m.SetString("ClientHost", member.ClientHost);
                m.SetBytes("MemberMetadata", member.Metadata);
                m.SetBytes("MemberAssignment", member.Assignment);
            }
        }

        return new KafkaResponse(response);
    }
}

public sealed class DeleteGroupsHandler(KafkaServerContext context) : GroupApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var response = DeleteGroupsMessages.Response.Create();
        foreach (var groupId in request.Body.GetArray<string>("GroupsNames")!)
        {
            var result = await AskGroupAsync<GroupDeleted>(new DeleteGroup(groupId), cancellationToken).ConfigureAwait(false);
            var r = response.AddStruct("Results");
            r.SetString("GroupId", groupId);
            r.SetInt16("ErrorCode", (short)(result?.Error ?? ErrorCode.CoordinatorNotAvailable));
        }

        return new KafkaResponse(response);
    }
}
