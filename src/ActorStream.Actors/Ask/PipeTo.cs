namespace ActorStream.Actors;

/// <summary>
/// Akka's PipeTo: when a task completes, its outcome is told to an actor as a message. The continuation only
/// tells, so it never runs actor code outside the actor.
/// </summary>
public static class PipeToExtensions
{
    public static void PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender, Func<T, object> success, Func<Exception, object> failure) =>
        task.ContinueWith(
            t => recipient.Tell(t.IsCompletedSuccessfully ? success(t.Result) : failure(Unwrap(t)), sender),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public static void PipeTo(this Task task, IActorRef recipient, IActorRef? sender, Func<object> success, Func<Exception, object> failure) =>
        task.ContinueWith(
            t => recipient.Tell(t.IsCompletedSuccessfully ? success() : failure(Unwrap(t)), sender),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>The exception a failed or cancelled task stands for, without the AggregateException wrapper.</summary>
    public static Exception Unwrap(Task task) =>
        task.Exception?.InnerException ?? task.Exception ?? (Exception)new TaskCanceledException(task);
}
