using ActorStream.Actors.Dispatch;

namespace ActorStream.Actors;

internal sealed partial class ActorCell
{
    private ActorSynchronizationContext? _syncContext;
    private bool _awaitingAsync;
    private Envelope _awaitingEnvelope;
    private long _asyncIncarnation;

    /// <summary>
    /// Runs an async handler with a synchronization context that posts continuations back into this actor
    /// as system messages; user messages wait (mailbox suspended) until the handler's task completes.
    /// </summary>
    public void RunAsyncHandler(Func<Task> handler)
    {
        var task = WithActorContext(handler);
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        if (task.IsFaulted || task.IsCanceled)
        {
            throw PipeToExtensions.Unwrap(task);
        }

        _awaitingAsync = true;
        _awaitingEnvelope = _currentEnvelope;
        Mailbox.Suspend();
        var incarnation = ++_asyncIncarnation;
        task.ContinueWith(
            static (t, state) =>
            {
                var (cell, incarnation) = ((ActorCell, long))state!;
                cell.SelfRef.SendSystemMessage(new AsyncHandlerCompleted(t, incarnation));
            },
            (this, incarnation),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private Task WithActorContext(Func<Task> handler)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_syncContext ??= new ActorSynchronizationContext(this));
        try
        {
            return handler();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void RunContinuation(RunContinuation continuation)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_syncContext);
        var saved = _currentEnvelope;
        _currentEnvelope = _awaitingAsync ? _awaitingEnvelope : saved;
        try
        {
            continuation.Callback(continuation.State);
        }
        finally
        {
            _currentEnvelope = saved;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void OnAsyncHandlerCompleted(AsyncHandlerCompleted completed)
    {
        if (!_awaitingAsync || completed.Incarnation != _asyncIncarnation)
        {
            return;
        }

        _awaitingAsync = false;
        Mailbox.Resume();
        var task = completed.Task;
        if (task.IsFaulted || task.IsCanceled)
        {
            _currentEnvelope = _awaitingEnvelope;
            _awaitingEnvelope = default;
            HandleInvokeFailure(PipeToExtensions.Unwrap(task));
            return;
        }

        _awaitingEnvelope = default;
    }

    /// <summary>A restart or stop abandons an in-flight async handler; its late completion is ignored.</summary>
    private void CancelAsyncWait()
    {
        if (_awaitingAsync)
        {
            _awaitingAsync = false;
            _awaitingEnvelope = default;
            _asyncIncarnation++;
            Mailbox.Resume();
        }
    }

    private sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) =>
            cell.SelfRef.SendSystemMessage(new RunContinuation(d, state));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("Synchronous Send into an actor would block it; use Post.");

        public override SynchronizationContext CreateCopy() => this;
    }
}
