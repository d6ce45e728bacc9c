using ActorStream.Actors;
using Xunit.Abstractions;

namespace ActorStream.TestKit.Tests;

/// <summary>
/// xunit creates a new instance (so a new kit, actor system and TestActor) per test: what one test leaves
/// behind is never seen by another, whatever order they run in.
/// </summary>
public sealed class ProbeIsolationTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void Test_leaving_a_message_behind()
    {
        Assert.False(TestActor.HasMessages);
        TestActor.Tell("left behind", null);
        CreateTestProbe("named").Tell("left behind too", null);
    }

    [Fact]
    public void Test_starting_after_a_message_was_left_behind()
    {
        Assert.False(TestActor.HasMessages);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Assert.False(CreateTestProbe("named").HasMessages);
    }

    [Fact]
    public void Probes_of_one_kit_have_separate_queues_and_paths()
    {
        var first = CreateTestProbe("worker");
        var second = CreateTestProbe("worker");

        first.Tell("for first", null);

        Assert.NotEqual(first.Path, second.Path);
        Assert.NotEqual<IActorRef>(first, second);
        Assert.Equal("for first", first.ExpectMsg<string>());
        second.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Probe_LastSender_is_its_own()
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var echo = ActorOf(Props.Create(() => new EchoActor()));

        first.Send(echo, "one");
        first.ExpectMsg("one");
        second.Tell("two", TestActor);
        second.ExpectMsg("two");

        Assert.Equal(echo, first.LastSender);
        Assert.Equal(TestActor, second.LastSender);
    }

    [Fact]
    public void Two_kits_have_separate_systems_and_test_actors()
    {
        using var a = new TestKit(output);
        using var b = new TestKit(output);

        Assert.NotEqual(a.Sys.Name, b.Sys.Name);
        Assert.NotSame(a.TestActor, b.TestActor);

        a.TestActor.Tell("for a", null);

        a.ExpectMsg("for a");
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Disposing_the_kit_stops_its_actor_system()
    {
        var kit = new TestKit(output);
        var system = kit.Sys;

        kit.Dispose();

        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public void Disposing_a_virtual_time_kit_stops_its_actor_system()
    {
        var kit = new TestKit(new DeterministicRuntime(seed: 3), output);
        var system = kit.Sys;
        kit.ActorOf(Props.Create(() => new SilentActor()));

        kit.Dispose();

        Assert.True(system.WhenTerminated.IsCompleted);
    }
}
