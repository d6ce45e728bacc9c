namespace ActorStream.Actors.Scheduling;

public interface ICancelable
{
    bool IsCancellationRequested { get; }

    /// <summary>Cancels; returns false if it had already run (once) or was already cancelled.</summary>
    bool Cancel();
}
