using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Server.Admin;
using ActorStream.Kafka.Server.DescribeCluster;
using ActorStream.Kafka.Server.Fetch;
using ActorStream.Kafka.Server.Groups;
using ActorStream.Kafka.Server.InitProducerId;
using ActorStream.Kafka.Server.ListOffsets;
using ActorStream.Kafka.Server.Metadata;
using ActorStream.Kafka.Server.Produce;
using Microsoft.Extensions.Logging;

namespace ActorStream.Kafka.Server;

/// <summary>
/// The broker's Kafka front door: routes each decoded request to its API's handler. Only the APIs with a handler are
/// advertised in ApiVersions, so a client never picks one this broker cannot answer; a request for any other API
/// closes the connection with a logged reason (as Kafka does for an unknown API key).
/// </summary>
public sealed class KafkaApis : IKafkaRequestHandler
{
    private readonly Dictionary<ApiKey, ApiHandler> _handlers;
    private readonly KafkaServerContext _context;
    private readonly Dictionary<ApiKey, short> _versions;

    public KafkaApis(KafkaServerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        ApiHandler[] handlers =
        [
            new MetadataHandler(context),
            new ProduceHandler(context),
            new FetchHandler(context),
            new ListOffsetsHandler(context),
            new InitProducerIdHandler(context),
            new DescribeClusterHandler(context),
            new CreateTopicsHandler(context),
            new DeleteTopicsHandler(context),
            new CreatePartitionsHandler(context),
            new DescribeConfigsHandler(context),
            new AlterConfigsHandler(context),
            new IncrementalAlterConfigsHandler(context),
            new FindCoordinatorHandler(context),
            new JoinGroupHandler(context),
            new SyncGroupHandler(context),
            new HeartbeatHandler(context),
            new LeaveGroupHandler(context),
            new OffsetCommitHandler(context),
            new OffsetFetchHandler(context),
            new OffsetDeleteHandler(context),
            new ListGroupsHandler(context),
            new DescribeGroupsHandler(context),
            new DeleteGroupsHandler(context),
        ];
        _handlers = handlers.ToDictionary(h => h.ApiKey);
        _versions = handlers.ToDictionary(h => h.ApiKey, h => h.MinVersion);
        _versions[ApiKey.ApiVersions] = 0;
        Supported = new HashSet<ApiKey>(_versions.Keys);
    }

    /// <summary>The APIs this broker answers (ApiVersions lists exactly these).</summary>
    public IReadOnlySet<ApiKey> Supported { get; }

    /// <summary>Whether a request of this API and version is answered (else the connection closes).</summary>
    public bool Serves(ApiKey apiKey, short version) => _versions.TryGetValue(apiKey, out var min) && version >= min;

    public ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ApiKey == ApiKey.ApiVersions)
            return new ValueTask<KafkaResponse?>(ApiVersionsResponder.Respond(request.ApiVersion, _versions));
        if (_handlers.TryGetValue(request.ApiKey, out var handler))
        {
            if (request.ApiVersion < handler.MinVersion)
            {
                throw new ProtocolException(
                    $"{request.ApiKey} v{request.ApiVersion} is below the lowest version this broker serves (v{handler.MinVersion}), which ApiVersions advertised");
            }

            return handler.HandleAsync(request, cancellationToken);
        }

        _context.Logger.LogWarning("Kafka {Connection}: {Api} is not supported by this broker; closing the connection", request.Connection, request.ApiKey);
        throw new ProtocolException($"{request.ApiKey} is not supported by this broker");
    }
}
