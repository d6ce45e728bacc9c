using ActorStream.Actors;
using ActorStream.Actors.Dispatch;
using Microsoft.Extensions.Logging;

namespace ActorStream.Persistence;

/// <summary>
/// An actor whose state is rebuilt from its events. On start it takes a recovery permit, is offered its
/// latest snapshot, replays the events after it through <see cref="ReceiveRecover"/>, then receives
/// <see cref="RecoveryCompleted"/>; commands that arrive meanwhile wait. <see cref="Persist{TEvent}"/> writes
/// an event and runs its handler once written, holding back new commands until then;
/// <see cref="PersistAsync{TEvent}"/> does not hold them back. Handlers run in the order of the calls,
/// with the sender of the command that persisted. A failed write stops the actor (the journal's state is
/// unknown); a rejected write calls <see cref="OnPersistRejected"/> and the actor goes on.
/// </summary>
public abstract class PersistentActor : ActorBase
{
    private static long s_generation;

    private readonly Persistence _persistence;
    private readonly long _generation = Interlocked.Increment(ref s_generation);
    private readonly List<Envelope> _internalStash = [];
    private readonly LinkedList<Invocation> _invocations = new();
    private readonly List<AtomicWrite> _batch = [];
    private List<AtomicWrite>? _inFlight;
    private int _stashingInvocations;
    private State _state = State.Recovering;

    // The recovery permit's life: waiting, held, abandoned (stopped before the grant), released. Changed
    // atomically because the grant arrives on another thread and must never be lost or released twice.
    private int _permitState;
    private const int PermitWaiting = 0;
    private const int PermitHeld = 1;
    private const int PermitAbandoned = 2;
    private const int PermitReleased = 3;

    private enum State
    {
        Recovering,
        Processing,
        PersistingStashing,
        Stopped,
    }

    private sealed record Invocation(object Event, Action<object> Handler, bool Stashing, bool Deferred, IActorRef? Sender);

    protected PersistentActor() => _persistence = Persistence.Get(Context.System);

    /// <summary>Identifies this actor's events in the journal; stable across restarts and nodes.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>The sequence number of the last event persisted or replayed (of its last number, for a range).</summary>
    public long LastSequenceNr { get; private set; }

    public long SnapshotSequenceNr { get; private set; }

    public bool IsRecovering => _state == State.Recovering;

    protected virtual Recovery Recovery => Recovery.Default;

    /// <summary>
    /// The journal this actor writes to and recovers from: the system's by default. A partition replica overrides it
    /// with its own log (Akka's journal-plugin-id, as an object), so its events are the partition's records.
    /// </summary>
    protected virtual IAsyncJournal Journal => _persistence.Journal;

    /// <summary>Handles a replayed event, a <see cref="SnapshotOffer"/> and finally <see cref="RecoveryCompleted"/>.</summary>
    protected abstract bool ReceiveRecover(object message);

    protected abstract bool ReceiveCommand(object message);

    protected internal sealed override bool Receive(object message) => ReceiveCommand(message);

    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull => AddWrite([@event], handler, stashing: true);

    /// <summary>Writes the events atomically (all or none); each handler runs once all are written.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull => AddWrite([.. events], handler, stashing: true);

    protected void PersistAsync<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull => AddWrite([@event], handler, stashing: false);

    protected void PersistAllAsync<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull => AddWrite([.. events], handler, stashing: false);

    /// <summary>Runs <paramref name="handler"/> after every write requested before it has completed, without writing.</summary>
    protected void DeferAsync<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull
    {
        if (_invocations.Count == 0)
        {
            handler(@event);
            return;
        }

        _invocations.AddLast(new Invocation(@event, e => handler((TEvent)e), Stashing: false, Deferred: true, Cell.CurrentEnvelope.Sender));
    }

    /// <summary>Saves a snapshot at <see cref="LastSequenceNr"/>; answers with SaveSnapshotSuccess or SaveSnapshotFailure.</summary>
    protected void SaveSnapshot(object snapshot)
    {
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.System.Clock.UtcNow.ToUnixTimeMilliseconds());
        PipeToSelf(_persistence.SnapshotStore.SaveAsync(metadata, snapshot), () => new SaveSnapshotSuccess(metadata), e => new SaveSnapshotFailure(metadata, e));
    }

    /// <summary>Deletes events up to a sequence number; answers with DeleteMessagesSuccess or DeleteMessagesFailure.</summary>
    protected void DeleteMessages(long toSequenceNr) =>
        PipeToSelf(Journal.DeleteMessagesToAsync(PersistenceId, toSequenceNr), () => new DeleteMessagesSuccess(toSequenceNr), e => new DeleteMessagesFailure(e, toSequenceNr));

    protected void DeleteSnapshots(SnapshotSelectionCriteria criteria) =>
        PipeToSelf(_persistence.SnapshotStore.DeleteAsync(PersistenceId, criteria), () => new DeleteSnapshotsSuccess(criteria), e => new DeleteSnapshotsFailure(criteria, e));

    /// <summary>A write failed: the event may or may not be stored. By default logs; the actor is then stopped.</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        Log.LogError(cause, "Failed to persist event type [{Type}] with sequence number [{SequenceNr}] for persistenceId [{PersistenceId}]; stopping",
            @event.GetType().Name, sequenceNr, PersistenceId);

    /// <summary>The journal refused an event (it is not stored). By default logs a warning; the actor goes on.</summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr) =>
        Log.LogWarning(cause, "Rejected to persist event type [{Type}] with sequence number [{SequenceNr}] for persistenceId [{PersistenceId}]: {Reason}",
            @event.GetType().Name, sequenceNr, PersistenceId, cause.Message);

    /// <summary>Recovery failed (journal error or a throwing recovery handler). By default logs; the actor is then stopped.</summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? @event) =>
        Log.LogError(cause, "Recovery of persistenceId [{PersistenceId}] failed{Event}; stopping",
            PersistenceId, @event is null ? "" : $" on event type [{@event.GetType().Name}] at sequence number [{LastSequenceNr}]");

    protected internal override void AroundPreStart()
    {
        base.AroundPreStart();
        StartRecovery();
    }

    // A restart creates a fresh instance that must recover its state, as a first start does.
    protected internal override void AroundPostRestart(Exception reason)
    {
        base.AroundPostRestart(reason);
        StartRecovery();
    }

    private void StartRecovery()
    {
        var self = Self;
        var generation = _generation;
        _persistence.RecoveryPermits.WaitAsync().ContinueWith(
            _ =>
            {
                if (Interlocked.CompareExchange(ref _permitState, PermitHeld, PermitWaiting) == PermitWaiting)
                {
                    self.Tell(new RecoveryPermitGranted(generation), self);
                }
                else
                {
                    // This incarnation stopped while waiting: hand the permit straight back.
                    _persistence.RecoveryPermits.Release();
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    protected internal override void AroundPreRestart(Exception reason, object? message)
    {
        ReleasePermit();

        // Commands held back go in front of the mailbox for the next instance, as the user stash does.
        Cell.Mailbox.Prepend([.. _internalStash]);
        _internalStash.Clear();
        _state = State.Stopped;
        base.AroundPreRestart(reason, message);
    }

    protected internal override void AroundPostStop()
    {
        ReleasePermit();
        foreach (var envelope in _internalStash)
        {
            Context.System.DeadLetters.Tell(envelope.Message, envelope.Sender);
        }

        _internalStash.Clear();
        _state = State.Stopped;
        base.AroundPostStop();
    }

    protected internal override bool AroundReceive(Receive receive, object message)
    {
        if (message is PersistenceProtocol protocol)
        {
            Handle(protocol);
            return true;
        }

        if (_state is State.Recovering or State.PersistingStashing)
        {
            _internalStash.Add(Cell.CurrentEnvelope);
            return true;
        }

        var handled = receive(message);
        FlushBatch();
        return handled;
    }

    private void Handle(PersistenceProtocol protocol)
    {
        if (_state == State.Stopped)
        {
            return;
        }

        switch (protocol)
        {
            case RecoveryPermitGranted granted when granted.Generation == _generation && Volatile.Read(ref _permitState) == PermitHeld:
                PipeRecoveryStep(_persistence.SnapshotStore.LoadAsync(PersistenceId, Recovery.FromSnapshot), s => new SnapshotLoaded(s, _generation));
                break;
            case SnapshotLoaded loaded when loaded.Generation == _generation:
                OnSnapshotLoaded(loaded.Snapshot);
                break;
            case EventReplayed replayed when replayed.Generation == _generation && _state == State.Recovering:
                LastSequenceNr = replayed.Event.LastSequenceNr;
                Recover(replayed.Event.Payload);
                break;
            case ReplayCompleted completed when completed.Generation == _generation && _state == State.Recovering:
                OnReplayCompleted(completed.HighestSequenceNr);
                break;
            case RecoveryStepFailed failed when failed.Generation == _generation:
                FailRecovery(failed.Cause, null);
                break;
            case WriteCompleted written when written.Generation == _generation:
                OnWriteCompleted(written);
                break;
        }
    }

    private void OnSnapshotLoaded(SelectedSnapshot? snapshot)
    {
        if (snapshot is not null)
        {
            SnapshotSequenceNr = LastSequenceNr = snapshot.Metadata.SequenceNr;
            if (!Recover(new SnapshotOffer(snapshot.Metadata, snapshot.Snapshot)))
            {
                return;
            }
        }

        var recovery = Recovery;
        var journal = Journal;
        var self = Self;
        var generation = _generation;
        var from = LastSequenceNr + 1;
        async Task<long> ReplayAsync()
        {
            if (recovery.ReplayMax > 0 && recovery.ToSequenceNr >= from)
            {
                await journal.ReplayMessagesAsync(PersistenceId, from, recovery.ToSequenceNr, recovery.ReplayMax,
                    e => self.Tell(new EventReplayed(e, generation), self));
            }

            return await journal.ReadHighestSequenceNrAsync(PersistenceId, from);
        }

        PipeRecoveryStep(ReplayAsync(), highest => new ReplayCompleted(highest, generation));
    }

    private void OnReplayCompleted(long highest)
    {
        // Never reuse a sequence number, even one whose event was deleted.
        if (Recovery.ToSequenceNr == long.MaxValue)
        {
            LastSequenceNr = Math.Max(LastSequenceNr, highest);
        }

        if (!Recover(RecoveryCompleted.Instance))
        {
            return;
        }

        ReleasePermit();
        _state = State.Processing;
        UnstashInternal();
    }

    /// <summary>Runs the recovery handler; a throw there fails recovery. Returns false once recovery has failed.</summary>
    private bool Recover(object message)
    {
        try
        {
            ReceiveRecover(message);
            return true;
        }
        catch (Exception e)
        {
            FailRecovery(e, message is RecoveryCompleted or SnapshotOffer ? null : message);
            return false;
        }
    }

    private void FailRecovery(Exception cause, object? @event)
    {
        _state = State.Stopped;
        ReleasePermit();
        OnRecoveryFailure(cause, @event);
        Context.Stop(Self);
    }

    private void AddWrite<TEvent>(IReadOnlyList<TEvent> events, Action<TEvent> handler, bool stashing)
        where TEvent : notnull
    {
        if (events.Count == 0)
        {
            return;
        }

        if (_state is State.Recovering or State.Stopped)
        {
            throw new InvalidOperationException($"[{PersistenceId}] cannot persist while {(_state == State.Recovering ? "recovering" : "stopped")}.");
        }

        var now = Context.System.Clock.UtcNow.ToUnixTimeMilliseconds();
        var sender = Cell.CurrentEnvelope.Sender;
        var reprs = new List<PersistentRepr>(events.Count);
        foreach (var e in events)
        {
            var count = e is ISequenceRange range ? range.SequenceCount : 1;
            if (count < 1)
            {
                throw new ArgumentException($"An event must cover at least one sequence number, got {count}.", nameof(events));
            }

            reprs.Add(new PersistentRepr(PersistenceId, LastSequenceNr + 1, e, count, now));
            LastSequenceNr += count;
            _invocations.AddLast(new Invocation(e, o => handler((TEvent)o), stashing, Deferred: false, sender));
            if (stashing)
            {
                _stashingInvocations++;
            }
        }

        _batch.Add(new AtomicWrite(reprs));
    }

    /// <summary>Sends what the last command persisted to the journal; one write is in flight at a time, so order holds.</summary>
    private void FlushBatch()
    {
        if (_stashingInvocations > 0 && _state == State.Processing)
        {
            _state = State.PersistingStashing;
        }

        if (_batch.Count == 0 || _inFlight is not null)
        {
            return;
        }

        _inFlight = [.. _batch];
        _batch.Clear();
        var generation = _generation;
        Journal.WriteMessagesAsync(_inFlight).PipeTo(
            Self, Self, results => new WriteCompleted(results, null, generation), e => new WriteCompleted(null, e, generation));
    }

    private void OnWriteCompleted(WriteCompleted written)
    {
        var writes = _inFlight!;
        _inFlight = null;
        if (written.Failure is { } failure)
        {
            var first = writes[0].Events[0];
            _state = State.Stopped;
            OnPersistFailure(failure, first.Payload, first.SequenceNr);
            Context.Stop(Self);
            return;
        }

        for (var i = 0; i < writes.Count; i++)
        {
            var rejection = written.Results is { } results && i < results.Count ? results[i] : null;
            foreach (var repr in writes[i].Events)
            {
                RunDeferredAtFront();
                var invocation = _invocations.First!.Value;
                _invocations.RemoveFirst();
                if (invocation.Stashing)
                {
                    _stashingInvocations--;
                }

                if (rejection is not null)
                {
                    OnPersistRejected(rejection, repr.Payload, repr.SequenceNr);
                }
                else
                {
                    RunWithSender(invocation);
                }
            }
        }

        RunDeferredAtFront();
        if (_stashingInvocations == 0 && _state == State.PersistingStashing)
        {
            _state = State.Processing;
            UnstashInternal();
        }

        // Handlers may have persisted more, and PersistAsync calls may have queued meanwhile.
        FlushBatch();
    }

    private void RunDeferredAtFront()
    {
        while (_invocations.First?.Value is { Deferred: true } deferred)
        {
            _invocations.RemoveFirst();
            RunWithSender(deferred);
        }
    }

    private void RunWithSender(Invocation invocation)
    {
        var previous = Cell.SwapSender(invocation.Sender);
        try
        {
            invocation.Handler(invocation.Event);
        }
        finally
        {
            Cell.SwapSender(previous);
        }
    }

    private void UnstashInternal()
    {
        if (_internalStash.Count > 0)
        {
            Cell.Mailbox.Prepend([.. _internalStash]);
            _internalStash.Clear();
        }
    }

    /// <summary>Gives back the permit if held; if it has not been granted yet, makes the grant give it back.</summary>
    private void ReleasePermit()
    {
        if (Interlocked.CompareExchange(ref _permitState, PermitReleased, PermitHeld) == PermitHeld)
        {
            _persistence.RecoveryPermits.Release();
        }
        else
        {
            Interlocked.CompareExchange(ref _permitState, PermitAbandoned, PermitWaiting);
        }
    }

    private void PipeRecoveryStep<T>(Task<T> task, Func<T, PersistenceProtocol> onSuccess)
    {
        var generation = _generation;
        task.PipeTo(Self, Self, r => onSuccess(r), e => new RecoveryStepFailed(e, generation));
    }

    private void PipeToSelf(Task task, Func<object> onSuccess, Func<Exception, object> onFailure) =>
        task.PipeTo(Self, Self, onSuccess, onFailure);
}

public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria);

public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause);
