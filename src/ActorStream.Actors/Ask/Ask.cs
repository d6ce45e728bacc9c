using ActorStream.Actors.Scheduling;

namespace ActorStream.Actors;

public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reply-to ref and completes with the first reply. Fails
    /// with <see cref="AskTimeoutException"/> after <paramref name="timeout"/>, with the reply's cause when the
    /// reply is <see cref="StatusFailure"/>, and with <see cref="InvalidCastException"/> for a reply of another type.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef receiver, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reply = await Ask(receiver, message, timeout, cancellationToken);
        return reply switch
        {
            T typed => typed,
            _ => throw new InvalidCastException(
                $"Ask of [{message.GetType().Name}] to [{receiver.Path}] expected a reply of type {typeof(T).Name} but got {reply?.GetType().Name ?? "null"}."),
        };
    }

    public static Task<object> Ask(this IActorRef receiver, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var system = ActorSystem.Of(receiver) ?? throw new ArgumentException($"[{receiver.Path}] does not belong to a running actor system.", nameof(receiver));
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An ask timeout must be positive.");
        }

        var promise = new PromiseActorRef(system.TempPath(), receiver, message, timeout, system.Scheduler, cancellationToken);
        receiver.Tell(message, promise);
        return promise.Task;
    }
}

/// <summary>A one-shot ref that completes a task with the first message it receives.</summary>
internal sealed class PromiseActorRef : ActorRefBase, IInternalActorRef
{
    private readonly TaskCompletionSource<object> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ICancelable _timeout;
    private readonly CancellationTokenRegistration _cancellation;

    public PromiseActorRef(ActorPath path, IActorRef target, object message, TimeSpan timeout, IScheduler scheduler, CancellationToken cancellationToken)
    {
        Path = path;
        _timeout = scheduler.ScheduleOnce(timeout, () => _completion.TrySetException(new AskTimeoutException(
            $"Ask timed out on [{target.Path}] after {timeout.TotalMilliseconds:0} ms: no reply to [{message.GetType().Name}]. " +
            "The target may be stopped, busy, or not replying to Sender.")));
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(() => _completion.TrySetCanceled(cancellationToken));
        }

        _completion.Task.ContinueWith(
            static (_, state) => ((PromiseActorRef)state!).Cleanup(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task<object> Task => _completion.Task;

    public override ActorPath Path { get; }

    public IInternalActorRef? Parent => null;

    public bool IsTerminated => _completion.Task.IsCompleted;

    public override void Tell(object message, IActorRef? sender)
    {
        if (message is StatusFailure failure)
        {
            _completion.TrySetException(failure.Cause);
        }
        else
        {
            _completion.TrySetResult(message);
        }
    }

    public void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && IsTerminated)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, true, false));
        }
    }

    private void Cleanup()
    {
        _timeout.Cancel();
        _cancellation.Dispose();
    }
}
