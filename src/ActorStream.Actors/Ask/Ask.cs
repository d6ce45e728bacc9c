using ActorStream.Actors.Scheduling;

namespace ActorStream.Actors;

public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reply-to ref and completes with the first reply. Fails
    /// with <see cref="AskTimeoutException"/> after <paramref name="timeout"/>, with the reply's cause when the
    /// reply is <see cref="StatusFailure"/>, and with <see cref="InvalidCastException"/> for a reply of another type.
    /// The task completes as the reply arrives (no extra hop), which keeps virtual-time tests exact.
    /// </summary>
    public static Task<T> Ask<T>(this IActorRef receiver, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var system = ActorSystem.Of(receiver) ?? throw new ArgumentException($"[{receiver.Path}] does not belong to a running actor system.", nameof(receiver));
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An ask timeout must be positive.");
        }

        var promise = new PromiseActorRef<T>(system, receiver, message, timeout, cancellationToken);
        receiver.Tell(message, promise);
        return promise.Task;
    }

    public static Task<object> Ask(this IActorRef receiver, object message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Ask<object>(receiver, message, timeout, cancellationToken);
}

/// <summary>A one-shot ref that completes a task with the first message it receives.</summary>
internal sealed class PromiseActorRef<T> : ActorRefBase, IInternalActorRef, ActorSystem.IPendingAsk
{
    private readonly ActorSystem _system;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ICancelable _timeout;
    private readonly CancellationTokenRegistration _cancellation;
    private readonly IActorRef _target;
    private readonly object _message;

    public PromiseActorRef(ActorSystem system, IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _system = system;
        Path = system.TempPath();
        var scheduler = system.Scheduler;
        _target = target;
        _message = message;
        _timeout = scheduler.ScheduleOnce(timeout, () => Complete(c => c.TrySetException(new AskTimeoutException(
            $"Ask timed out on [{target.Path}] after {timeout.TotalMilliseconds:0} ms: no reply to [{message.GetType().Name}]. " +
            "The target may be stopped, busy, or not replying to Sender."))));
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(() => Complete(c => c.TrySetCanceled(cancellationToken)));
        }

        // Registered so that termination of the system fails it rather than leaving it pending forever.
        system.RegisterAsk(this);
    }

    public void FailBecauseTerminated() => Complete(c => c.TrySetException(new AskTimeoutException(
        $"Ask of [{_message.GetType().Name}] to [{_target.Path}] failed: actor system [{_system.Name}] terminated before a reply arrived.")));

    public Task<T> Task => _completion.Task;

    public override ActorPath Path { get; }

    public IInternalActorRef? Parent => null;

    public bool IsTerminated => _completion.Task.IsCompleted;

    public override void Tell(object message, IActorRef? sender) => Complete(c => _ = message switch
    {
        StatusFailure failure => c.TrySetException(failure.Cause),
        T typed => c.TrySetResult(typed),
        _ => c.TrySetException(new InvalidCastException(
            $"Ask of [{_message.GetType().Name}] to [{_target.Path}] expected a reply of type {typeof(T).Name} but got {message.GetType().Name}.")),
    });

    public void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && IsTerminated)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, true, false));
        }
    }

    private void Complete(Action<TaskCompletionSource<T>> complete)
    {
        complete(_completion);
        _timeout?.Cancel();
        _cancellation.Dispose();
        _system.UnregisterAsk(this);
    }
}
