namespace ActorStream.Actors;

/// <summary>An immutable recipe for creating an actor: used again on every restart.</summary>
public sealed class Props
{
    private Props(Type actorType, Func<ActorBase> factory, SupervisorStrategy? supervisorStrategy)
    {
        ActorType = actorType;
        Factory = factory;
        SupervisorStrategy = supervisorStrategy;
    }

    public Type ActorType { get; }

    internal Func<ActorBase> Factory { get; }

    /// <summary>Overrides the actor's own <c>SupervisorStrategy()</c> for its children (used for guardians).</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    public static Props Create<TActor>()
        where TActor : ActorBase, new() => new(typeof(TActor), static () => new TActor(), null);

    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ActorBase => new(typeof(TActor), factory, null);

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => new(ActorType, Factory, strategy);

    public override string ToString() => $"Props({ActorType.Name})";
}
