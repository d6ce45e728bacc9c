using ActorStream.Actors.Dispatch;

namespace ActorStream.Actors;

internal sealed class UnboundedStash(ActorCell cell) : IStash
{
    private readonly List<Envelope> _stashed = [];
    private long _lastStashedSequence = -1;

    public int Count => _stashed.Count;

    public void Stash()
    {
        if (_lastStashedSequence == cell.InvokeSequence)
        {
            throw new IllegalActorStateException($"[{cell.Self.Path}] tried to stash the same message twice.");
        }

        _lastStashedSequence = cell.InvokeSequence;
        _stashed.Add(cell.CurrentEnvelope);
    }

    public void Unstash()
    {
        if (_stashed.Count == 0)
        {
            return;
        }

        var first = _stashed[0];
        _stashed.RemoveAt(0);
        cell.Mailbox.Prepend([first]);
    }

    public void UnstashAll() => UnstashAll(static _ => true);

    public void UnstashAll(Func<Envelope, bool> predicate)
    {
        if (_stashed.Count == 0)
        {
            return;
        }

        var selected = _stashed.Where(predicate).ToList();
        _stashed.RemoveAll(e => selected.Contains(e));
        cell.Mailbox.Prepend(selected);
    }

    public IReadOnlyList<Envelope> ClearStash()
    {
        var all = _stashed.ToList();
        _stashed.Clear();
        return all;
    }
}
