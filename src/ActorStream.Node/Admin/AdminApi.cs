using ActorStream.Actors;
using ActorStream.Broker;
using ActorStream.Broker.Groups;
using ActorStream.Broker.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorStream.Node.Admin;

/// <summary>
/// The admin HTTP API's routes: read-only views of the cluster, topics and consumer groups (with lag), answered from
/// the broker's metadata image, partition states and group coordinators. <paramref name="brokers"/> lists the image's
/// brokers as clients reach them (this node with its advertised Kafka address).
/// </summary>
public sealed class AdminApi(BrokerNode broker, TimeSpan askTimeout, Func<MetadataImage, IEnumerable<BrokerInfo>> brokers)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/health", () => Results.Json(new { status = "ok" }));
        routes.MapGet("/api/cluster", Cluster);
        routes.MapGet("/api/topics", Topics);
        routes.MapGet("/api/topics/{name}", Topic);
        routes.MapGet("/api/groups", GroupsAsync);
        routes.MapGet("/api/groups/{groupId}", GroupAsync);
        routes.MapGet("/api/groups/{groupId}/lag", GroupLagAsync);
    }

    private IResult Cluster()
    {
        var image = broker.Metadata.Current;
        var views = brokers(image).Select(b => new BrokerView(b.NodeId, b.Host, b.Port, b.Rack)).ToList();
        var offline = broker.Partitions.Offline.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition)
            .Select(o => new OfflinePartitionView(o.Key.Topic, o.Key.Partition, o.Value)).ToList();
        return Results.Json(new ClusterView(image.ClusterId, image.ControllerId, broker.NodeId, image.Version, views, offline));
    }

    private IResult Topics() =>
        Results.Json(broker.Metadata.Current.Topics.Values
            .Select(t => new TopicSummary(t.Name, t.TopicId, t.Partitions.Length, t.Partitions.IsEmpty ? 0 : t.Partitions[0].Replicas.Length, t.IsInternal))
            .ToList());

    private IResult Topic(string name)
    {
        if (broker.Metadata.Current.Topic(name) is not { } topic)
            return NotFound($"Topic '{name}' does not exist");
        var partitions = topic.Partitions.Select(p => Partition(topic, p)).ToList();
        return Results.Json(new TopicView(topic.Name, topic.TopicId, topic.IsInternal, topic.Config.Overrides, partitions));
    }

    private PartitionView Partition(TopicImage topic, PartitionImage p)
    {
        // Offsets are known for partitions this node hosts; -1 where it does not.
        var tp = new TopicPartition(topic.Name, p.Index);
        bool hosted = broker.Partitions.TryGet(tp, out var state);
        return new PartitionView(
            p.Index, p.Leader, p.LeaderEpoch, p.Replicas, p.Isr, hosted && state!.IsOnline, broker.Partitions.OfflineReason(tp),
            hosted ? state!.LogStartOffset : -1, hosted ? state!.HighWatermark : -1, hosted ? state!.LogEndOffset : -1);
    }

    private async Task<IResult> GroupsAsync(CancellationToken cancellationToken)
    {
        var listed = await broker.Groups.Ask<GroupsListed>(new ListGroups(null), askTimeout, cancellationToken).ConfigureAwait(false);
        return Results.Json(listed.Groups.Select(g => new GroupSummary(g.GroupId, g.ProtocolType, g.State.ToString())).ToList());
    }

    // A coordinator that cannot answer throws GroupUnavailableException: 503 (AdminServer).
    private async Task<IResult> GroupAsync(string groupId, CancellationToken cancellationToken)
    {
        var report = await GroupLag.ReportAsync(broker, groupId, askTimeout, cancellationToken).ConfigureAwait(false);
        var group = report.Group;
        if (group.State == GroupState.Dead && report.Partitions.Count == 0)
            return NotFound($"Group '{groupId}' does not exist (no members and no committed offsets)");
        bool consumer = group.ProtocolType == "consumer";
        var members = group.Members.Select(m => new MemberView(
            m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, consumer ? ByTopic(ConsumerProtocol.AssignedPartitions(m.Assignment)) : [])).ToList();
        return Results.Json(new GroupView(groupId, group.State.ToString(), group.ProtocolType, group.Protocol, members, LagView(groupId, report.Partitions)));
    }

    private async Task<IResult> GroupLagAsync(string groupId, CancellationToken cancellationToken)
    {
        var report = await GroupLag.ReportAsync(broker, groupId, askTimeout, cancellationToken).ConfigureAwait(false);
        if (report.Group.State == GroupState.Dead && report.Partitions.Count == 0)
            return NotFound($"Group '{groupId}' does not exist (no members and no committed offsets)");
        return Results.Json(LagView(groupId, report.Partitions));
    }

    private static GroupLagView LagView(string groupId, IReadOnlyList<PartitionLag> lags)
    {
        var partitions = lags.Select(l => new PartitionLagView(
            l.TopicPartition.Topic, l.TopicPartition.Partition, l.CommittedOffset, l.HighWatermark, l.Lag, (long)l.TimeLag.TotalMilliseconds, l.MemberId)).ToList();
        return new GroupLagView(groupId, partitions.Sum(p => p.Lag), partitions.Count == 0 ? 0 : partitions.Max(p => p.TimeLagMs), partitions);
    }

    private static List<TopicPartitionsView> ByTopic(IEnumerable<TopicPartition> partitions) =>
        [.. partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TopicPartitionsView(g.Key, [.. g.Select(p => p.Partition).Order()]))];

    private static IResult NotFound(string message) => Results.Json(new ErrorView(message), statusCode: StatusCodes.Status404NotFound);
}
