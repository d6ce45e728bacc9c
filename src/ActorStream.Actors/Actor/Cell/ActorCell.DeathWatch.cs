namespace ActorStream.Actors;

internal sealed partial class ActorCell
{
    // Actors this one watches; a Terminated is delivered only while its sender is still in here.
    private readonly HashSet<IActorRef> _watching = [];
    private readonly HashSet<IInternalActorRef> _watchedBy = [];

    public IActorRef Watch(IActorRef subject)
    {
        if (subject is IInternalActorRef target && !subject.Equals(SelfRef) && _watching.Add(subject))
        {
            target.SendSystemMessage(new Watch(target, SelfRef));
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        if (subject is IInternalActorRef target && _watching.Remove(subject))
        {
            target.SendSystemMessage(new Unwatch(target, SelfRef));
        }

        return subject;
    }

    private void AddWatcher(IInternalActorRef watchee, IInternalActorRef watcher)
    {
        if (watchee.Equals(SelfRef) && !watcher.Equals(SelfRef))
        {
            _watchedBy.Add(watcher);
        }
    }

    private void RemoveWatcher(IInternalActorRef watchee, IInternalActorRef watcher)
    {
        if (watchee.Equals(SelfRef))
        {
            _watchedBy.Remove(watcher);
        }
    }

    private void WatchedActorTerminated(DeathWatchNotification notification)
    {
        var actor = notification.Actor;
        if (_watching.Contains(actor) && !_isTerminating)
        {
            // Queued behind messages already received from that actor, as Akka orders it.
            Mailbox.Post(new Dispatch.Envelope(new Terminated(actor, notification.ExistenceConfirmed, notification.AddressTerminated), actor));
        }

        HandleChildTerminated(actor);
    }

    private void UnwatchAll()
    {
        foreach (var watchee in _watching)
        {
            if (watchee is IInternalActorRef target)
            {
                target.SendSystemMessage(new Unwatch(target, SelfRef));
            }
        }

        _watching.Clear();
    }

    private void TellWatchersWeDied()
    {
        var notification = new DeathWatchNotification(SelfRef, ExistenceConfirmed: true, AddressTerminated: false);
        foreach (var watcher in _watchedBy)
        {
            if (!watcher.Equals(ParentRef))
            {
                watcher.SendSystemMessage(notification);
            }
        }

        _watchedBy.Clear();

        // The parent always hears of a child's death: that is how it frees the name and finishes its own stop.
        ParentRef.SendSystemMessage(notification);
    }
}
