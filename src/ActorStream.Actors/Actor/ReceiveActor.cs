namespace ActorStream.Actors;

/// <summary>
/// An actor whose behaviour is a list of typed handlers registered in its constructor with Receive&lt;T&gt;;
/// the first handler whose type and predicate match takes the message.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerSet? _configuring = new();
    private readonly HandlerSet _initial;

    protected ReceiveActor() => _initial = _configuring!;

    protected internal sealed override bool Receive(object message)
    {
        // The constructor has finished by the time the first message arrives: freeze the initial handlers.
        _configuring = null;
        return _initial.Handle(message);
    }

    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null) =>
        Configuring().Add(new ActionHandler<T>(handler, shouldHandle));

    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) =>
        Configuring().Add(new ActionHandler<T>(handler, shouldHandle));

    /// <summary>A handler that decides itself: returning false leaves the message to later handlers.</summary>
    protected void Receive<T>(Func<T, bool> handler) => Configuring().Add(new FuncHandler<T>(handler));

    /// <summary>
    /// An asynchronous handler: the actor takes no other message until the returned task completes, and
    /// await continuations run inside the actor (Self, Sender and Context stay valid).
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null) =>
        Configuring().Add(new AsyncHandler<T>(Cell, handler, shouldHandle));

    protected void ReceiveAsync<T>(Predicate<T> shouldHandle, Func<T, Task> handler) =>
        Configuring().Add(new AsyncHandler<T>(Cell, handler, shouldHandle));

    protected void ReceiveAny(Action<object> handler) => Configuring().Add(new ActionHandler<object>(handler, null));

    /// <summary>Replaces the behaviour with the handlers <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure) => Become(Build(configure).Handle);

    protected void BecomeStacked(Action configure) => BecomeStacked(Build(configure).Handle);

    private HandlerSet Build(Action configure)
    {
        var previous = _configuring;
        var set = new HandlerSet();
        _configuring = set;
        try
        {
            configure();
        }
        finally
        {
            _configuring = previous;
        }

        return set;
    }

    private HandlerSet Configuring() => _configuring ?? throw new IllegalActorStateException(
        "Receive<T> may only be called in the constructor or inside Become(() => ...).");

    private sealed class HandlerSet
    {
        private Handler[] _handlers = [];

        public void Add(Handler handler) => _handlers = [.. _handlers, handler];

        public bool Handle(object message)
        {
            foreach (var handler in _handlers)
            {
                if (handler.TryHandle(message))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private abstract class Handler
    {
        public abstract bool TryHandle(object message);
    }

    private sealed class ActionHandler<T>(Action<T> action, Predicate<T>? predicate) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is T typed && (predicate is null || predicate(typed)))
            {
                action(typed);
                return true;
            }

            return false;
        }
    }

    private sealed class FuncHandler<T>(Func<T, bool> func) : Handler
    {
        public override bool TryHandle(object message) => message is T typed && func(typed);
    }

    private sealed class AsyncHandler<T>(ActorCell cell, Func<T, Task> handler, Predicate<T>? predicate) : Handler
    {
        public override bool TryHandle(object message)
        {
            if (message is T typed && (predicate is null || predicate(typed)))
            {
                cell.RunAsyncHandler(() => handler(typed));
                return true;
            }

            return false;
        }
    }
}
