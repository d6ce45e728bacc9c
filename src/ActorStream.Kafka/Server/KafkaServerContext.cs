using ActorStream.Broker;
using ActorStream.Broker.Metadata;
using Microsoft.Extensions.Logging;

namespace ActorStream.Kafka.Server;

/// <summary>What every API handler needs: the broker, how clients reach this node, and how long to wait on actors.</summary>
public sealed class KafkaServerContext(BrokerNode broker, ILogger logger)
{
    private BrokerInfo? _advertised;

    public BrokerNode Broker { get; } = broker;

    public ILogger Logger { get; } = logger;

    /// <summary>The longest a handler waits for an actor's answer before it answers REQUEST_TIMED_OUT.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>This node as clients must address it (set once the listener is bound, since port 0 picks the port then).</summary>
    public BrokerInfo Advertised
    {
        get => _advertised ?? throw new InvalidOperationException("The Kafka listener has not been bound yet.");
        set => _advertised = value;
    }

    /// <summary>Brokers as Metadata answers them: this node as advertised, others as the image knows them.</summary>
    public IEnumerable<BrokerInfo> Brokers(MetadataImage image) =>
        image.Brokers.Values.OrderBy(b => b.NodeId).Select(b => b.NodeId == Broker.NodeId ? Advertised : b);
}

/// <summary>The handler of one API.</summary>
public abstract class ApiHandler(KafkaServerContext context)
{
    /// <summary>What admin requests answer when the controller did not (see <see cref="AskAsync"/>).</summary>
    protected static readonly ApiError ControllerTimedOut = new(ErrorCode.RequestTimedOut, "the controller did not answer in time");

    protected KafkaServerContext Context { get; } = context;

    protected BrokerNode Broker => Context.Broker;

    public abstract Protocol.ApiKey ApiKey { get; }

    /// <summary>The lowest version this handler serves (the codec may know older ones); ApiVersions advertises it.</summary>
    public virtual short MinVersion => 0;

    public abstract ValueTask<Network.KafkaResponse?> HandleAsync(Network.KafkaRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Why this broker cannot serve a partition it has no online replica of: unknown to the metadata, or led elsewhere
    /// (or offline), which makes the client refresh its metadata and retry.
    /// </summary>
    protected ErrorCode NotServedHere(TopicPartition tp) =>
        Broker.Metadata.Current.Partition(tp) is null ? ErrorCode.UnknownTopicOrPartition
        : Broker.Partitions.OfflineReason(tp) is not null ? ErrorCode.KafkaStorageError
        : ErrorCode.NotLeaderOrFollower;

    /// <summary>
    /// Waits for an actor's answer, up to <paramref name="timeout"/> (the ask timeout when null); null when it did not
    /// come in time, which the handler answers with its API's timeout error.
    /// </summary>
    protected async Task<T?> AskAsync<T>(Actors.IActorRef actor, object message, CancellationToken cancellationToken, TimeSpan? timeout = null)
        where T : class
    {
        var wait = timeout ?? Context.AskTimeout;
        try
        {
            return await Actors.AskExtensions.Ask<T>(actor, message, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (Actors.AskTimeoutException)
        {
            Context.Logger.LogWarning("No answer from {Actor} to {Message} within {Timeout}", actor, message.GetType().Name, wait);
            return null;
        }
    }
}
