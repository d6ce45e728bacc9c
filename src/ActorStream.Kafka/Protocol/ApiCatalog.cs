using ActorStream.Kafka.Protocol.Messages.AlterConfigs;
using ActorStream.Kafka.Protocol.Messages.ApiVersions;
using ActorStream.Kafka.Protocol.Messages.CreatePartitions;
using ActorStream.Kafka.Protocol.Messages.CreateTopics;
using ActorStream.Kafka.Protocol.Messages.DeleteGroups;
using ActorStream.Kafka.Protocol.Messages.DeleteTopics;
using ActorStream.Kafka.Protocol.Messages.DescribeCluster;
using ActorStream.Kafka.Protocol.Messages.DescribeConfigs;
using ActorStream.Kafka.Protocol.Messages.DescribeGroups;
using ActorStream.Kafka.Protocol.Messages.Fetch;
using ActorStream.Kafka.Protocol.Messages.FindCoordinator;
using ActorStream.Kafka.Protocol.Messages.Heartbeat;
using ActorStream.Kafka.Protocol.Messages.IncrementalAlterConfigs;
using ActorStream.Kafka.Protocol.Messages.InitProducerId;
using ActorStream.Kafka.Protocol.Messages.JoinGroup;
using ActorStream.Kafka.Protocol.Messages.LeaveGroup;
using ActorStream.Kafka.Protocol.Messages.ListGroups;
using ActorStream.Kafka.Protocol.Messages.ListOffsets;
using ActorStream.Kafka.Protocol.Messages.Metadata;
using ActorStream.Kafka.Protocol.Messages.OffsetCommit;
using ActorStream.Kafka.Protocol.Messages.OffsetDelete;
using ActorStream.Kafka.Protocol.Messages.OffsetFetch;
using ActorStream.Kafka.Protocol.Messages.Produce;
using ActorStream.Kafka.Protocol.Messages.SyncGroup;
using ActorStream.Kafka.Protocol.Schema;

namespace ActorStream.Kafka.Protocol;

/// <summary>One API: its request and response descriptions and the version facts derived from them.</summary>
public sealed record ApiDescriptor(ApiKey Key, string Name, MessageSchema Request, MessageSchema Response)
{
    public short MinVersion => Request.ValidVersions.Lowest;

    public short MaxVersion => Request.ValidVersions.Highest;

    /// <summary>First flexible version, or -1 when none is.</summary>
    public short FlexibleFrom => Request.FirstFlexibleVersion;

    public bool IsSupported(short version) => Request.ValidVersions.Contains(version);
}

/// <summary>
/// The APIs this codec speaks, derived from the message descriptions (what an ApiVersions response advertises),
/// and the header-version rules that depend on them.
/// </summary>
public static class ApiCatalog
{
    private static readonly ApiDescriptor?[] ByKey = Build();

    public static IReadOnlyList<ApiDescriptor> All { get; } = [.. ByKey.Where(d => d is not null).Select(d => d!)];

    private static ApiDescriptor?[] Build()
    {
        ApiDescriptor[] apis =
        [
            Api(ApiKey.Produce, ProduceMessages.Request, ProduceMessages.Response),
            Api(ApiKey.Fetch, FetchMessages.Request, FetchMessages.Response),
            Api(ApiKey.ListOffsets, ListOffsetsMessages.Request, ListOffsetsMessages.Response),
            Api(ApiKey.Metadata, MetadataMessages.Request, MetadataMessages.Response),
            Api(ApiKey.OffsetCommit, OffsetCommitMessages.Request, OffsetCommitMessages.Response),
            Api(ApiKey.OffsetFetch, OffsetFetchMessages.Request, OffsetFetchMessages.Response),
            Api(ApiKey.FindCoordinator, FindCoordinatorMessages.Request, FindCoordinatorMessages.Response),
            Api(ApiKey.JoinGroup, JoinGroupMessages.Request, JoinGroupMessages.Response),
            Api(ApiKey.Heartbeat, HeartbeatMessages.Request, HeartbeatMessages.Response),
            Api(ApiKey.LeaveGroup, LeaveGroupMessages.Request, LeaveGroupMessages.Response),
            Api(ApiKey.SyncGroup, SyncGroupMessages.Request, SyncGroupMessages.Response),
            Api(ApiKey.DescribeGroups, DescribeGroupsMessages.Request, DescribeGroupsMessages.Response),
            Api(ApiKey.ListGroups, ListGroupsMessages.Request, ListGroupsMessages.Response),
            Api(ApiKey.ApiVersions, ApiVersionsMessages.Request, ApiVersionsMessages.Response),
            Api(ApiKey.CreateTopics, CreateTopicsMessages.Request, CreateTopicsMessages.Response),
            Api(ApiKey.DeleteTopics, DeleteTopicsMessages.Request, DeleteTopicsMessages.Response),
            Api(ApiKey.InitProducerId, InitProducerIdMessages.Request, InitProducerIdMessages.Response),
            Api(ApiKey.DescribeConfigs, DescribeConfigsMessages.Request, DescribeConfigsMessages.Response),
            Api(ApiKey.AlterConfigs, AlterConfigsMessages.Request, AlterConfigsMessages.Response),
            Api(ApiKey.CreatePartitions, CreatePartitionsMessages.Request, CreatePartitionsMessages.Response),
            Api(ApiKey.DeleteGroups, DeleteGroupsMessages.Request, DeleteGroupsMessages.Response),
            Api(ApiKey.IncrementalAlterConfigs, IncrementalAlterConfigsMessages.Request, IncrementalAlterConfigsMessages.Response),
            Api(ApiKey.OffsetDelete, OffsetDeleteMessages.Request, OffsetDeleteMessages.Response),
            Api(ApiKey.DescribeCluster, DescribeClusterMessages.Request, DescribeClusterMessages.Response),
        ];
        var byKey = new ApiDescriptor?[apis.Max(a => (int)a.Key) + 1];
        foreach (var api in apis)
            byKey[(int)api.Key] = api;
        return byKey;
    }

    private static ApiDescriptor Api(ApiKey key, MessageSchema request, MessageSchema response)
    {
        // The two halves of an API must agree, or header selection and ApiVersions would lie.
        if (request.ApiKey != (short)key || response.ApiKey != (short)key
            || request.ValidVersions != response.ValidVersions || request.FlexibleVersions != response.FlexibleVersions)
            throw new InvalidOperationException($"Request and response descriptions of {key} disagree.");
        return new ApiDescriptor(key, key.ToString(), request, response);
    }

    public static ApiDescriptor? Find(short apiKey) => apiKey >= 0 && apiKey < ByKey.Length ? ByKey[apiKey] : null;

    public static ApiDescriptor Get(ApiKey apiKey)
        => Find((short)apiKey) ?? throw new UnsupportedVersionException($"Unknown API key {(short)apiKey}.");

    /// <summary>Request header version: 2 for flexible API versions, else 1 (ControlledShutdown v0 alone used 0).</summary>
    public static short RequestHeaderVersion(ApiKey apiKey, short apiVersion)
    {
        if ((short)apiKey == 7 && apiVersion == 0)
            return 0;
        return Get(apiKey).Request.IsFlexible(apiVersion) ? (short)2 : (short)1;
    }

    /// <summary>
    /// Response header version: 1 for flexible API versions, else 0. ApiVersions always answers with v0, because a
    /// client that does not yet know the broker's versions must be able to read the reply.
    /// </summary>
    public static short ResponseHeaderVersion(ApiKey apiKey, short apiVersion)
    {
        if (apiKey == ApiKey.ApiVersions)
            return 0;
        return Get(apiKey).Response.IsFlexible(apiVersion) ? (short)1 : (short)0;
    }
}
