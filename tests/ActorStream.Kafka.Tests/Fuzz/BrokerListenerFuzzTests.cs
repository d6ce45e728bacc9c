using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Server;
using ActorStream.Kafka.Tests.Server;
using Xunit.Abstractions;

namespace ActorStream.Kafka.Tests.Fuzz;

/// <summary>
/// The socket fuzz against the real broker: random and mutated frames of every API reach the actual handlers, actors
/// and logs (mutated CreateTopics may create topics, mutated Produce may append). The broker must answer or close
/// each connection, log no error, and afterwards still serve new connections.
/// </summary>
public sealed class BrokerListenerFuzzTests(ITestOutputHelper output) : ListenerFuzzSpec(output)
{
    private readonly ITestOutputHelper _output = output;

    // Produce with acks=0 is legitimately silent.
    protected override bool AnswersEveryDecodedRequest => false;

    protected override int AdvertisedApiCount => _advertised;

    private int _advertised;

    private KafkaApis? _apis;

    protected override bool ClosesOn(ApiKey apiKey, short version) => !_apis!.Serves(apiKey, version);

    // Async all the way: blocking on the start here would hold one of xunit's few synchronization-context threads
    // while the start's continuations wait for one (a deadlock seen on a 2-core CI run).
    protected override async Task<IKafkaRequestHandler> CreateHandlerAsync()
    {
        var server = await BrokerServerFixture.StartAsync(_output);
        _advertised = server.Apis.Supported.Count;
        _apis = server.Apis;
        return new BrokerHandler(server);
    }

    /// <summary>The fixture's own handler, disposed (broker stopped, files removed) after the listener.</summary>
    private sealed class BrokerHandler(BrokerServerFixture server) : IKafkaRequestHandler, IAsyncDisposable
    {
        public ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken) =>
            server.Apis.HandleAsync(request, cancellationToken);

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
