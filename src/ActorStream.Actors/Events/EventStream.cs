namespace ActorStream.Actors.Events;

/// <summary>
/// Publish-subscribe by type: a subscriber to a channel receives every published event assignable to it.
/// Subscriptions are copy-on-write, so publishing takes no lock.
/// </summary>
public sealed class EventStream
{
    private volatile Subscription[] _subscriptions = [];
    private readonly Lock _lock = new();

    private sealed record Subscription(IActorRef Subscriber, Type Channel);

    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        lock (_lock)
        {
            if (_subscriptions.Any(s => s.Subscriber.Equals(subscriber) && s.Channel == channel))
            {
                return false;
            }

            _subscriptions = [.. _subscriptions, new Subscription(subscriber, channel)];
            return true;
        }
    }

    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        lock (_lock)
        {
            var before = _subscriptions.Length;
            _subscriptions = [.. _subscriptions.Where(s => !(s.Subscriber.Equals(subscriber) && s.Channel == channel))];
            return _subscriptions.Length != before;
        }
    }

    public void UnsubscribeAll(IActorRef subscriber)
    {
        lock (_lock)
        {
            if (_subscriptions.Any(s => s.Subscriber.Equals(subscriber)))
            {
                _subscriptions = [.. _subscriptions.Where(s => !s.Subscriber.Equals(subscriber))];
            }
        }
    }

    public void Publish(object @event)
    {
        foreach (var subscription in _subscriptions)
        {
            if (subscription.Channel.IsInstanceOfType(@event))
            {
                subscription.Subscriber.Tell(@event, null);
            }
        }
    }
}
