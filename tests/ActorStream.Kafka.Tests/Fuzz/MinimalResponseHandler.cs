using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>
/// Answers every request it is given: ApiVersions with the catalog, anything else with its API's response body at
/// default values (all-zero error codes, empty arrays). No state, no failures, never silent: the handler of the
/// strictest listener fuzz, where each decodable frame must get exactly one answer.
/// </summary>
internal sealed class MinimalResponseHandler : IKafkaRequestHandler
{
    public ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = request.ApiKey == ApiKey.ApiVersions
            ? ApiVersionsResponder.Respond(request)
            : new KafkaResponse(ApiCatalog.Get(request.ApiKey).Response.Create());
        return ValueTask.FromResult<KafkaResponse?>(response);
    }
}
