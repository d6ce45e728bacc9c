namespace ActorStream.Kafka.Network;

/// <summary>
/// What the broker plugs into the listener: one call per decoded request. Calls for one connection may overlap
/// (pipelining); the connection writes the responses in request order whatever order the calls complete in.
/// </summary>
public interface IKafkaRequestHandler
{
    /// <summary>
    /// Handles one request. Return null to send nothing (Produce with acks=0). The token is cancelled when the
    /// connection closes. Memory of <see cref="KafkaRequest.Frame"/> (and every bytes/records slice of the body) is
    /// valid until the returned task completes and its response has been written; call
    /// <see cref="KafkaRequest.DetachFrame"/> to keep it longer. An exception closes the connection (logged).
    /// </summary>
    ValueTask<KafkaResponse?> HandleAsync(KafkaRequest request, CancellationToken cancellationToken);
}
