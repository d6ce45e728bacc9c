using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Server.Admin;
using ActorStream.Kafka.Server.DescribeCluster;
using ActorStream.Kafka.Server.Fetch;
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
        ];
        _handlers = handlers.ToDictionary(h => h.ApiKey);
        Supported = new HashSet<ApiKey>([ApiKey.ApiVersions, .. _handlers.Keys]);
    }

    /// <summary>The APIs this broker answers (ApiVersions lists exactly these).</summary>
    public IReadOnlySet<ApiKey> Supported { get; }

    public ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ApiKey == ApiKey.ApiVersions)
            return new ValueTask<KafkaResponse?>(ApiVersionsResponder.Respond(request.ApiVersion, Supported));
        if (_handlers.TryGetValue(request.ApiKey, out var handler))
            return handler.HandleAsync(request, cancellationToken);
        _context.Logger.LogWarning("Kafka {Connection}: {Api} is not supported by this broker; closing the connection", request.Connection, request.ApiKey);
        throw new ProtocolException($"{request.ApiKey} is not supported by this broker");
    }
}
