namespace ActorStream.Broker;

/// <summary>A partition of a topic, Kafka's name for it: "orders-3".</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}-{Partition}";
}
