using ActorStream.Actors;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorStream.TestKit.Tests;

public sealed class ProbeReceiveTests(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void ExpectNoMsg_passes_when_nothing_arrives()
    {
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.False(TestActor.HasMessages);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_is_waiting_and_names_it()
    {
        TestActor.Tell("unexpected", null);

        var e = Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromMilliseconds(100)));

        Assert.Contains("unexpected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_an_actor_sends_during_the_wait()
    {
        var echo = ActorOf(Props.Create(() => new EchoActor()));
        echo.Tell("late", TestActor);

        var e = Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromSeconds(3)));

        Assert.Contains("late", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FishForMessage_skips_messages_that_do_not_match()
    {
        TestActor.Tell(1, null);
        TestActor.Tell("not an int", null);
        TestActor.Tell(2, null);
        TestActor.Tell(3, null);
        TestActor.Tell(4, null);

        Assert.Equal(3, FishForMessage<int>(i => i == 3));

        // Everything before the match was consumed, what follows it was not.
        ExpectMsg(4);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void FishForMessage_fails_when_no_message_matches()
    {
        TestActor.Tell(1, null);
        TestActor.Tell(2, null);

        var e = Assert.Throws<XunitException>(() => FishForMessage<int>(i => i > 10, s_short));

        Assert.Contains("Int32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveN_returns_the_messages_in_order()
    {
        TestActor.Tell("a", null);
        TestActor.Tell(2, null);
        TestActor.Tell("c", null);

        var messages = ReceiveN(3);

        Assert.Equal(new object[] { "a", 2, "c" }, messages);
    }

    [Fact]
    public void ReceiveN_fails_when_too_few_messages_arrive()
    {
        TestActor.Tell("a", null);
        TestActor.Tell("b", null);

        var e = Assert.Throws<XunitException>(() => ReceiveN(3, s_short));

        Assert.Contains("2 of 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectTerminated_after_Watch_and_Stop()
    {
        var actor = ActorOf(Props.Create(() => new SilentActor()));
        Watch(actor);

        Sys.Stop(actor);

        var terminated = ExpectTerminated(actor);
        Assert.Equal(actor, terminated.ActorRef);
        Assert.True(terminated.ExistenceConfirmed);
    }

    [Fact]
    public void ExpectTerminated_after_Watch_and_PoisonPill()
    {
        var actor = ActorOf(Props.Create(() => new SilentActor()));
        Watch(actor);

        actor.Tell(PoisonPill.Instance, null);

        ExpectTerminated(actor);
    }

    [Fact]
    public void Watching_an_actor_that_is_already_dead_reports_Terminated()
    {
        var actor = ActorOf(Props.Create(() => new SilentActor()));
        var firstProbe = CreateTestProbe();
        firstProbe.Watch(actor);
        Sys.Stop(actor);
        firstProbe.ExpectTerminated(actor);

        Watch(actor);

        ExpectTerminated(actor);
    }

    [Fact]
    public void ExpectTerminated_fails_for_a_live_actor()
    {
        var actor = ActorOf(Props.Create(() => new SilentActor()));
        Watch(actor);

        var e = Assert.Throws<XunitException>(() => ExpectTerminated(actor, s_short));

        Assert.Contains("Terminated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unwatched_actor_does_not_report_Terminated()
    {
        var actor = ActorOf(Props.Create(() => new SilentActor()));
        Watch(actor);
        Unwatch(actor);

        Sys.Stop(actor);

        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void LastSender_is_the_actor_that_replied_and_Reply_answers_it()
    {
        var echo = ActorOf(Props.Create(() => new PrefixEchoActor()), "prefix-echo");
        TestActor.Send(echo, "first");

        ExpectMsg("echo:first");
        Assert.Equal(echo, LastSender);

        TestActor.Reply("second");
        ExpectMsg("echo:second");
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void LastSender_of_a_message_without_sender_is_NoSender()
    {
        TestActor.Tell("anonymous", null);

        ExpectMsg("anonymous");

        Assert.Same(ActorRefs.NoSender, LastSender);
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var echo = ActorOf(Props.Create(() => new PrefixEchoActor()));
        var other = CreateTestProbe("other");
        echo.Tell("from-other", other);
        other.ExpectMsg("echo:from-other");

        // Forward sends on behalf of the last sender "other" saw (the echo actor).
        other.Forward(TestActor, "forwarded");

        ExpectMsg("forwarded");
        Assert.Equal(echo, LastSender);
    }
}
