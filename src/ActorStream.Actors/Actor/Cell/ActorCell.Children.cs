namespace ActorStream.Actors;

internal sealed partial class ActorCell
{
    private readonly Dictionary<string, ChildStats> _children = new(StringComparer.Ordinal);
    private readonly Lock _childrenLock = new();
    private long _nextAnonymous;

    public IActorRef ActorOf(Props props, string? name = null)
    {
        if (name is null)
        {
            name = "$" + AnonymousName(Interlocked.Increment(ref _nextAnonymous));
        }
        else
        {
            ActorPath.ValidateName(name, allowSystemPrefix: false);
        }

        return CreateChild(props, name);
    }

    internal IActorRef CreateChild(Props props, string name)
    {
        var path = (SelfRef.Path / name).WithUid(SystemImpl.NextUid());
        var cell = new ActorCell(SystemImpl, props, SelfRef, path, SystemImpl.Dispatcher);
        lock (_childrenLock)
        {
            if (_isTerminating)
            {
                throw new IllegalActorStateException($"Cannot create child [{name}]: [{SelfRef.Path}] is stopping.");
            }

            if (!_children.TryAdd(name, new ChildStats(cell.SelfRef)))
            {
                throw new InvalidActorNameException($"Actor name [{name}] is not unique under [{SelfRef.Path}].");
            }
        }

        cell.SelfRef.SendSystemMessage(Create.Instance);
        return cell.SelfRef;
    }

    /// <summary>Short names in the style $a, $b, ... $ba: base-26 of a counter, so they stay unique and readable.</summary>
    private static string AnonymousName(long n)
    {
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            n--;
            buffer[--i] = (char)('a' + (n % 26));
            n /= 26;
        }
        while (n > 0);

        return new string(buffer[i..]);
    }

    public IEnumerable<IActorRef> GetChildren()
    {
        lock (_childrenLock)
        {
            return _children.Values.Select(s => (IActorRef)s.Child).ToArray();
        }
    }

    public IActorRef? Child(string name)
    {
        lock (_childrenLock)
        {
            return _children.TryGetValue(name, out var stats) && !stats.Stopping ? stats.Child : null;
        }
    }

    internal IInternalActorRef? ChildIncludingStopping(string name)
    {
        lock (_childrenLock)
        {
            return _children.TryGetValue(name, out var stats) ? stats.Child : null;
        }
    }

    private List<ChildStats> ChildStatsSnapshot()
    {
        lock (_childrenLock)
        {
            return [.. _children.Values];
        }
    }

    private bool TryGetChildStats(IActorRef child, out ChildStats stats)
    {
        lock (_childrenLock)
        {
            if (_children.TryGetValue(child.Path.Name, out stats!) && stats.Child.Equals(child))
            {
                return true;
            }
        }

        stats = null!;
        return false;
    }

    private bool RemoveChild(IActorRef child)
    {
        lock (_childrenLock)
        {
            if (_children.TryGetValue(child.Path.Name, out var stats) && stats.Child.Equals(child))
            {
                _children.Remove(child.Path.Name);
                return true;
            }
        }

        return false;
    }

    private bool HasChildren
    {
        get
        {
            lock (_childrenLock)
            {
                return _children.Count > 0;
            }
        }
    }

    private bool HasStoppingChildren
    {
        get
        {
            lock (_childrenLock)
            {
                return _children.Values.Any(s => s.Stopping);
            }
        }
    }

    public void Stop(IActorRef actor)
    {
        if (actor is not IInternalActorRef target)
        {
            return;
        }

        if (!actor.Equals(SelfRef) && TryGetChildStats(actor, out var stats))
        {
            stats.Stopping = true;
        }

        target.SendSystemMessage(Actors.Terminate.Instance);
    }

    private void StopAllChildren()
    {
        foreach (var stats in ChildStatsSnapshot())
        {
            if (!stats.Stopping)
            {
                stats.Stopping = true;
                stats.Child.SendSystemMessage(Actors.Terminate.Instance);
            }
        }
    }

    private void HandleChildTerminated(IActorRef child)
    {
        if (!RemoveChild(child))
        {
            return;
        }

        if (_isTerminating)
        {
            if (!HasChildren)
            {
                FinishTerminate();
            }
        }
        else if (_pendingRecreateCause is { } cause && !HasStoppingChildren)
        {
            FinishRecreate(cause);
        }
    }
}

/// <summary>A child and its restart history, for the supervisor's retry window.</summary>
internal sealed class ChildStats(IInternalActorRef child)
{
    public IInternalActorRef Child { get; } = child;

    public long Uid => Child.Path.Uid;

    public bool Stopping { get; set; }

    public int RestartCount { get; private set; }

    public TimeSpan WindowStart { get; private set; }

    /// <summary>Akka's rule: at most <paramref name="maxRetries"/> restarts within <paramref name="window"/>
    /// (a negative max means unlimited; a null window means ever).</summary>
    public bool RequestRestartPermission(TimeSpan now, int maxRetries, TimeSpan? window)
    {
        if (maxRetries < 0)
        {
            return true;
        }

        if (maxRetries == 0)
        {
            return false;
        }

        if (window is null)
        {
            RestartCount++;
            return RestartCount <= maxRetries;
        }

        if (RestartCount == 0 || now - WindowStart > window.Value)
        {
            WindowStart = now;
            RestartCount = 1;
            return true;
        }

        RestartCount++;
        return RestartCount <= maxRetries;
    }
}
