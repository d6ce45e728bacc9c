using System.Buffers.Binary;
using System.Text;

namespace ActorStream.Broker.Groups;

/// <summary>
/// The parts of Kafka's consumer protocol (the bytes inside JoinGroup metadata) the coordinator needs to read: the
/// subscribed topics, for OffsetDelete's "still subscribed" check, and the assignment format for describing lag.
/// </summary>
public static class ConsumerProtocol
{
    /// <summary>Topics of a ConsumerProtocolSubscription (any version: int16 version, then an array of int16 strings).</summary>
    public static IReadOnlyList<string> SubscribedTopics(ReadOnlySpan<byte> subscription)
    {
        var topics = new List<string>();
        if (subscription.Length < 6)
            return topics;
        int count = BinaryPrimitives.ReadInt32BigEndian(subscription[2..]);
        int position = 6;
        for (int i = 0; i < count && position + 2 <= subscription.Length; i++)
        {
            int length = BinaryPrimitives.ReadInt16BigEndian(subscription[position..]);
            position += 2;
            if (length < 0 || position + length > subscription.Length)
                break;
            topics.Add(Encoding.UTF8.GetString(subscription.Slice(position, length)));
            position += length;
        }

        return topics;
    }
}
