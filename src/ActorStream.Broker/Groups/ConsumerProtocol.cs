using System.Buffers.Binary;
using System.Text;

namespace ActorStream.Broker.Groups;

/// <summary>
/// The parts of Kafka's consumer protocol (the bytes inside JoinGroup metadata) the coordinator needs to read: the
/// subscribed topics, for OffsetDelete's "still subscribed" check; and the assignment format, written by the server-side
/// assignors and read to say which member owns a partition when describing lag.
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

    /// <summary>ConsumerProtocolAssignment v0: int16 version, [topic: int16 string, [int32 partition]], bytes user data (null).</summary>
    public static byte[] EncodeAssignment(IReadOnlyList<TopicPartition> partitions)
    {
        var byTopic = partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).ToList();
        int size = 2 + 4 + byTopic.Sum(t => 2 + Encoding.UTF8.GetByteCount(t.Key) + 4 + (4 * t.Count())) + 4;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, 0);
        BinaryPrimitives.WriteInt32BigEndian(span[2..], byTopic.Count);
        int position = 6;
        foreach (var topic in byTopic)
        {
            int length = Encoding.UTF8.GetBytes(topic.Key, span[(position + 2)..]);
            BinaryPrimitives.WriteInt16BigEndian(span[position..], (short)length);
            position += 2 + length;
            BinaryPrimitives.WriteInt32BigEndian(span[position..], topic.Count());
            position += 4;
            foreach (var tp in topic.OrderBy(t => t.Partition))
            {
                BinaryPrimitives.WriteInt32BigEndian(span[position..], tp.Partition);
                position += 4;
            }
        }

        BinaryPrimitives.WriteInt32BigEndian(span[position..], -1);
        return bytes;
    }

    /// <summary>The partitions of a ConsumerProtocolAssignment (any version); empty when unreadable.</summary>
    public static List<TopicPartition> AssignedPartitions(ReadOnlySpan<byte> assignment)
    {
        var result = new List<TopicPartition>();
        if (assignment.Length < 6)
            return result;
        int topics = BinaryPrimitives.ReadInt32BigEndian(assignment[2..]);
        int position = 6;
        for (int t = 0; t < topics && position + 2 <= assignment.Length; t++)
        {
            int length = BinaryPrimitives.ReadInt16BigEndian(assignment[position..]);
            position += 2;
            if (length < 0 || position + length + 4 > assignment.Length)
                break;
            string topic = Encoding.UTF8.GetString(assignment.Slice(position, length));
            position += length;
            int count = BinaryPrimitives.ReadInt32BigEndian(assignment[position..]);
            position += 4;
            for (int i = 0; i < count && position + 4 <= assignment.Length; i++, position += 4)
                result.Add(new TopicPartition(topic, BinaryPrimitives.ReadInt32BigEndian(assignment[position..])));
        }

        return result;
    }
}
