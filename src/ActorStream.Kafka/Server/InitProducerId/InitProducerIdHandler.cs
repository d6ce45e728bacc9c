using ActorStream.Broker;
using ActorStream.Broker.Controller;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Protocol;
using ActorStream.Kafka.Protocol.Messages.InitProducerId;

namespace ActorStream.Kafka.Server.InitProducerId;

/// <summary>
/// InitProducerId for idempotent producers: a fresh producer id (epoch 0) from the controller, never handed out twice,
/// even across restarts. A producer that re-initialises (v3+, after a fatal sequence error) gets a new id too, which
/// resets its sequences. Transactions are not supported: a transactional id is refused.
/// </summary>
public sealed class InitProducerIdHandler(KafkaServerContext context) : ApiHandler(context)
{
    public override ApiKey ApiKey => ApiKey.InitProducerId;

    public override async ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken)
    {
        var response = InitProducerIdMessages.Response.Create();
        if (request.Body.GetString("TransactionalId") is not null)
        {
            response.SetInt16("ErrorCode", (short)ErrorCode.TransactionalIdAuthorizationFailed);
            return new KafkaResponse(response);
        }

        var allocated = await AskAsync<ProducerIdAllocated>(Broker.Controller, AllocateProducerId.Instance, cancellationToken).ConfigureAwait(false);
        if (allocated is null)
        {
            response.SetInt16("ErrorCode", (short)ErrorCode.RequestTimedOut);
            return new KafkaResponse(response);
        }

        response.SetInt64("ProducerId", allocated.ProducerId);
        response.SetInt16("ProducerEpoch", allocated.Epoch);
        return new KafkaResponse(response);
    }
}
