using System.Collections.Concurrent;
using ActorStream.Actors;
using ActorStream.Actors.Dispatch;
using Xunit.Sdk;

namespace ActorStream.TestKit;

/// <summary>
/// A ref that queues what it receives so a test can assert on it. In virtual-time mode, waiting for a
/// message runs the simulation (and moves virtual time) instead of blocking.
/// </summary>
public sealed class TestProbe : ActorRefBase, IInternalActorRef, ActorSystem.ISystemBoundRef
{
    private readonly BlockingCollection<Envelope> _queue = [];
    private readonly HashSet<IActorRef> _watching = [];
    private readonly Lock _watchLock = new();
    private readonly TestKitBase _kit;

    internal TestProbe(TestKitBase kit, ActorPath path)
    {
        _kit = kit;
        Path = path;
    }

    public override ActorPath Path { get; }

    public ActorSystem System => _kit.Sys;

    IInternalActorRef? IInternalActorRef.Parent => null;

    bool IInternalActorRef.IsTerminated => false;

    /// <summary>The sender of the last message taken from the queue.</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.NoSender;

    public bool HasMessages => _queue.Count > 0;

    public override void Tell(object message, IActorRef? sender) => _queue.Add(new Envelope(message, sender));

    void IInternalActorRef.SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification notification)
        {
            bool watched;
            lock (_watchLock)
            {
                watched = _watching.Remove(notification.Actor);
            }

            if (watched)
            {
                _queue.Add(new Envelope(new Terminated(notification.Actor, notification.ExistenceConfirmed, notification.AddressTerminated), notification.Actor));
            }
        }
    }

    /// <summary>Watches <paramref name="actor"/>: its death arrives here as <see cref="Terminated"/>, once.</summary>
    public IActorRef Watch(IActorRef actor)
    {
        lock (_watchLock)
        {
            if (!_watching.Add(actor))
            {
                return actor;
            }
        }

        ((IInternalActorRef)actor).SendSystemMessage(new Watch((IInternalActorRef)actor, this));
        return actor;
    }

    public IActorRef Unwatch(IActorRef actor)
    {
        lock (_watchLock)
        {
            _watching.Remove(actor);
        }

        ((IInternalActorRef)actor).SendSystemMessage(new Unwatch((IInternalActorRef)actor, this));
        return actor;
    }

    public void Send(IActorRef actor, object message) => actor.Tell(message, this);

    public void Reply(object message) => LastSender.Tell(message, this);

    public void Forward(IActorRef actor, object message) => actor.Tell(message, LastSender);

    public T ExpectMsg<T>(TimeSpan? timeout = null) => ExpectMsg<T>(_ => true, timeout, null);

    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) =>
        ExpectMsg<T>(m => Equals(m, expected), timeout, $"equal to {expected}");

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? timeout = null, string? hint = null)
    {
        // Computed once: inside Within, what remains after waiting is nothing, and the message must say what we waited.
        var wait = _kit.Remaining(timeout);
        var envelope = ReceiveOne(wait) ?? throw new XunitException(
            $"Timeout ({wait.TotalMilliseconds:0} ms) while waiting for a message of type {typeof(T).Name}{(hint is null ? "" : " " + hint)} at {Path}");
        if (envelope.Message is not T typed)
        {
            throw new XunitException($"Expected a message of type {typeof(T).Name}{(hint is null ? "" : " " + hint)} but got {Describe(envelope.Message)}");
        }

        if (!predicate(typed))
        {
            throw new XunitException($"Message {Describe(typed)} did not match{(hint is null ? " the predicate" : ": expected " + hint)}");
        }

        return typed;
    }

    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(t => t.ActorRef.Equals(actor), timeout, $"Terminated({actor.Path})");

    /// <summary>Asserts that no message arrives within <paramref name="duration"/>.</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var wait = _kit.Dilated(duration ?? _kit.Settings.ExpectNoMessageDefault);
        var envelope = _kit.WaitFor(() => _queue.Count > 0, wait, dilate: false) ? TakeNow() : null;
        if (envelope is { } e)
        {
            throw new XunitException($"Expected no message for {wait.TotalMilliseconds:0} ms but got {Describe(e.Message)}");
        }
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> satisfies <paramref name="predicate"/>.</summary>
    public T FishForMessage<T>(Predicate<T> predicate, TimeSpan? timeout = null)
    {
        var end = _kit.Now + _kit.Remaining(timeout);
        while (true)
        {
            var left = end - _kit.Now;
            var envelope = (left > TimeSpan.Zero ? ReceiveOne(left) : null) ?? throw new XunitException(
                $"Timeout while fishing for a {typeof(T).Name} matching the predicate at {Path}");
            if (envelope.Message is T typed && predicate(typed))
            {
                return typed;
            }
        }
    }

    /// <summary>Receives <paramref name="count"/> messages, failing if they do not all arrive in time.</summary>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? timeout = null)
    {
        var end = _kit.Now + _kit.Remaining(timeout);
        var messages = new List<object>(count);
        while (messages.Count < count)
        {
            var left = end - _kit.Now;
            var envelope = (left > TimeSpan.Zero ? ReceiveOne(left) : null) ?? throw new XunitException(
                $"Timeout: received {messages.Count} of {count} messages at {Path}");
            messages.Add(envelope.Message);
        }

        return messages;
    }

    /// <summary>Waits for the next message; null on timeout.</summary>
    public Envelope? ReceiveOne(TimeSpan? timeout = null)
    {
        var wait = _kit.Remaining(timeout);
        if (_kit.IsVirtualTime)
        {
            return _kit.WaitFor(() => _queue.Count > 0, wait, dilate: false) ? TakeNow() : null;
        }

        if (_queue.TryTake(out var envelope, wait))
        {
            LastSender = envelope.Sender ?? ActorRefs.NoSender;
            return envelope;
        }

        return null;
    }

    private Envelope? TakeNow()
    {
        if (_queue.TryTake(out var envelope))
        {
            LastSender = envelope.Sender ?? ActorRefs.NoSender;
            return envelope;
        }

        return null;
    }

    private static string Describe(object? message) => message is null ? "null" : $"{message} ({message.GetType().Name})";
}
