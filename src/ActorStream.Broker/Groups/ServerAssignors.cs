namespace ActorStream.Broker.Groups;

/// <summary>
/// Assignments computed by the coordinator, for clients without an assignor of their own (the actor-based .NET
/// clients): when the chosen protocol is "range", "roundrobin" or "sticky" and the leader's SyncGroup carries no
/// assignment at all, the coordinator assigns from the members' consumer-protocol subscriptions and the topics'
/// partition counts. The results are Kafka's ConsumerProtocolAssignment v0 bytes, so any consumer can read them.
/// </summary>
public static class ServerAssignors
{
    public static bool Supports(string? protocol) => protocol is "range" or "roundrobin" or "sticky";

    /// <param name="protocol">"range", "roundrobin" or "sticky".</param>
    /// <param name="subscriptions">Member id → its subscription bytes, in join order.</param>
    /// <param name="partitionCount">A topic's partition count, or null for an unknown topic (left unassigned).</param>
    /// <param name="previous">Member id → its current assignment bytes (sticky keeps what it can).</param>
    public static Dictionary<string, byte[]> Assign(
        string protocol,
        IReadOnlyList<(string MemberId, byte[] Subscription)> subscriptions,
        Func<string, int?> partitionCount,
        IReadOnlyDictionary<string, byte[]>? previous = null)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(partitionCount);
        var members = subscriptions.Select(s => (s.MemberId, Topics: ConsumerProtocol.SubscribedTopics(s.Subscription).ToHashSet(StringComparer.Ordinal))).ToList();
        var assigned = members.ToDictionary(m => m.MemberId, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        var topics = members.SelectMany(m => m.Topics).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(t => (Topic: t, Count: partitionCount(t) ?? 0)).Where(t => t.Count > 0).ToList();

        switch (protocol)
        {
            case "range":
                // Per topic, consecutive ranges over the subscribed members sorted by id (Kafka's RangeAssignor).
                foreach (var (topic, count) in topics)
                {
                    var subscribers = members.Where(m => m.Topics.Contains(topic)).Select(m => m.MemberId).Order(StringComparer.Ordinal).ToList();
                    int per = count / subscribers.Count, extra = count % subscribers.Count, next = 0;
                    for (int i = 0; i < subscribers.Count; i++)
                    {
                        int take = per + (i < extra ? 1 : 0);
                        for (int p = next; p < next + take; p++)
                            assigned[subscribers[i]].Add(new TopicPartition(topic, p));
                        next += take;
                    }
                }

                break;
            case "roundrobin":
                // Every partition of every topic in order, dealt to the next member that subscribes to it.
                var ordered = members.Select(m => m.MemberId).Order(StringComparer.Ordinal).ToList();
                int cursor = 0;
                foreach (var (topic, count) in topics)
                {
                    for (int p = 0; p < count; p++)
                    {
                        for (int tries = 0; tries < ordered.Count; tries++, cursor++)
                        {
                            var member = ordered[cursor % ordered.Count];
                            if (members.First(m => m.MemberId == member).Topics.Contains(topic))
                            {
                                assigned[member].Add(new TopicPartition(topic, p));
                                cursor++;
                                break;
                            }
                        }
                    }
                }

                break;
            case "sticky":
                AssignSticky(members, topics, assigned, previous);
                break;
            default:
                throw new ArgumentException($"No server-side assignor named {protocol}", nameof(protocol));
        }

        return assigned.ToDictionary(a => a.Key, a => ConsumerProtocol.EncodeAssignment(a.Value), StringComparer.Ordinal);
    }

    // Keeps each member's previous partitions (still subscribed, up to its fair share), then gives the rest to the
    // least-loaded subscribers: as few partitions move as balance allows.
    private static void AssignSticky(
        List<(string MemberId, HashSet<string> Topics)> members,
        List<(string Topic, int Count)> topics,
        Dictionary<string, List<TopicPartition>> assigned,
        IReadOnlyDictionary<string, byte[]>? previous)
    {
        var all = topics.SelectMany(t => Enumerable.Range(0, t.Count).Select(p => new TopicPartition(t.Topic, p))).ToList();
        var exists = all.ToHashSet();
        int quota = (int)Math.Ceiling(all.Count / (double)Math.Max(1, members.Count));
        var owned = new HashSet<TopicPartition>();
        foreach (var (member, subscribed) in members.OrderBy(m => m.MemberId, StringComparer.Ordinal))
        {
            if (previous?.GetValueOrDefault(member) is not { } bytes)
                continue;
            foreach (var tp in ConsumerProtocol.AssignedPartitions(bytes))
            {
                if (subscribed.Contains(tp.Topic) && exists.Contains(tp) && assigned[member].Count < quota && owned.Add(tp))
                    assigned[member].Add(tp);
            }
        }

        foreach (var tp in all.Where(tp => !owned.Contains(tp)))
        {
            var target = members.Where(m => m.Topics.Contains(tp.Topic))
                .OrderBy(m => assigned[m.MemberId].Count).ThenBy(m => m.MemberId, StringComparer.Ordinal)
                .Select(m => m.MemberId).FirstOrDefault();
            if (target is not null)
                assigned[target].Add(tp);
        }
    }
}
