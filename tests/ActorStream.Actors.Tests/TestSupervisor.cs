namespace ActorStream.Actors.Tests;

/// <summary>A parent with the strategy a test gives it; creates children on request and answers with their refs.</summary>
internal sealed class TestSupervisor : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public TestSupervisor(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        Receive<CreateChild>(create => Sender.Tell(Context.ActorOf(create.Props, create.Name), Self));
    }

    public sealed record CreateChild(Props Props, string Name);

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;
}
