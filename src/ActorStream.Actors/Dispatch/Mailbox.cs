using System.Collections.Concurrent;

namespace ActorStream.Actors.Dispatch;

/// <summary>
/// The queue of one actor and the unit the dispatcher runs. Invariants: at most one run at a time (the
/// scheduled flag), system messages before user messages, no user message while suspended, and once closed
/// every message goes to dead letters exactly once.
/// </summary>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<Envelope> _user = new();
    private readonly Queue<SystemMessage> _system = new();
    private readonly Lock _systemLock = new();
    private readonly IDispatcher _dispatcher;

    // Messages put back in front of the queue (unstash); touched only by the thread running this mailbox.
    private LinkedList<Envelope>? _front;
    private int _systemCount;
    private int _scheduled;
    private int _suspendCount;
    private volatile bool _closed;

    public Mailbox(ActorCell cell, IDispatcher dispatcher)
    {
        Cell = cell;
        _dispatcher = dispatcher;
    }

    public ActorCell Cell { get; }

    public bool IsClosed => _closed;

    public bool IsSuspended => _suspendCount > 0;

    public int UserMessageCount => _user.Count + (_front?.Count ?? 0);

    public void Post(in Envelope envelope)
    {
        if (_closed)
        {
            Cell.SystemImpl.DeadLetterRef.Tell(envelope.Message, envelope.Sender, Cell.Self);
            return;
        }

        _user.Enqueue(envelope);
        if (_closed)
        {
            // Raced with Close: whoever dequeues a message sends it to dead letters, so each goes there once.
            DrainUserToDeadLetters();
            return;
        }

        TrySchedule();
    }

    /// <summary>Returns false when the mailbox is closed; the caller then treats the message as dead.</summary>
    public bool PostSystem(SystemMessage message)
    {
        lock (_systemLock)
        {
            if (_closed)
            {
                return false;
            }

            _system.Enqueue(message);
            _systemCount++;
        }

        TrySchedule();
        return true;
    }

    /// <summary>Puts messages back in front of the queue, in order (used by unstash). Runner thread only.</summary>
    public void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        _front ??= new LinkedList<Envelope>();
        for (var i = envelopes.Count - 1; i >= 0; i--)
        {
            _front.AddFirst(envelopes[i]);
        }
    }

    public void Suspend() => _suspendCount++;

    public void Resume()
    {
        if (_suspendCount > 0)
        {
            _suspendCount--;
        }
    }

    /// <summary>Closes the mailbox: later posts go to dead letters. Returns system messages that were pending.</summary>
    public List<SystemMessage> Close()
    {
        List<SystemMessage> pending;
        lock (_systemLock)
        {
            _closed = true;
            pending = [.. _system];
            _system.Clear();
            _systemCount = 0;
        }

        // Full fence between setting the flag and re-reading the queue: a Post that enqueued and then still saw
        // the mailbox open must have its message found by the drain below (the same Dekker pattern as Execute).
        Interlocked.MemoryBarrier();

        // Close runs on the mailbox's own runner, the only thread that touches the front queue.
        if (_front is { Count: > 0 } front)
        {
            foreach (var env in front)
            {
                Cell.SystemImpl.DeadLetterRef.Tell(env.Message, env.Sender, Cell.Self);
            }

            front.Clear();
        }

        DrainUserToDeadLetters();
        return pending;
    }

    private void DrainUserToDeadLetters()
    {
        var deadLetters = Cell.SystemImpl.DeadLetterRef;
        while (_user.TryDequeue(out var env))
        {
            deadLetters.Tell(env.Message, env.Sender, Cell.Self);
        }
    }

    private void TrySchedule()
    {
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _dispatcher.Execute(this);
        }
    }

    public void Execute()
    {
        Cell.EnterRunner();
        try
        {
            if (!_closed)
            {
                ProcessSystemMessages();
                ProcessUserMessages();
            }
        }
        finally
        {
            Cell.ExitRunner();

            // A full fence, not a release write: the flag must be cleared before the queues are re-read, or a
            // concurrent Post that still saw the flag set and our re-check could both skip scheduling (Dekker).
            Interlocked.Exchange(ref _scheduled, 0);
            if (HasWork())
            {
                TrySchedule();
            }
        }
    }

    private bool HasWork() =>
        !_closed && (Volatile.Read(ref _systemCount) > 0 || (_suspendCount == 0 && (!_user.IsEmpty || _front is { Count: > 0 })));

    private void ProcessUserMessages()
    {
        var left = _dispatcher.Throughput;
        while (left-- > 0 && !_closed && _suspendCount == 0 && TryDequeue(out var envelope))
        {
            Cell.Invoke(envelope);
            ProcessSystemMessages();
        }
    }

    private bool TryDequeue(out Envelope envelope)
    {
        if (_front is { Count: > 0 } front)
        {
            envelope = front.First!.Value;
            front.RemoveFirst();
            return true;
        }

        return _user.TryDequeue(out envelope);
    }

    private void ProcessSystemMessages()
    {
        while (Volatile.Read(ref _systemCount) > 0 && !_closed)
        {
            SystemMessage message;
            lock (_systemLock)
            {
                if (!_system.TryDequeue(out message!))
                {
                    return;
                }

                _systemCount--;
            }

            Cell.SystemInvoke(message);
        }
    }
}
