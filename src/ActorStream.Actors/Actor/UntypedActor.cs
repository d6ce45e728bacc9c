namespace ActorStream.Actors;

public delegate void UntypedReceive(object message);

/// <summary>An actor with one receive method; call <c>Unhandled(message)</c> for what it does not handle.</summary>
public abstract class UntypedActor : ActorBase
{
    protected internal sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }

    protected abstract void OnReceive(object message);

    protected void Become(UntypedReceive receive) => Become(Wrap(receive));

    protected void BecomeStacked(UntypedReceive receive) => BecomeStacked(Wrap(receive));

    private static Receive Wrap(UntypedReceive receive) => message =>
    {
        receive(message);
        return true;
    };
}
