using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

/// <summary>Timers and receive timeouts, in virtual time: deterministic and instant.</summary>
public sealed class TimerAndTimeoutTests(ITestOutputHelper output) : TestKit.TestKit(new DeterministicRuntime(seed: 1), output)
{
    private sealed record StartSingle(string Key, object Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, object Message, TimeSpan Interval);

    private sealed record CancelTimer(string Key);

    private sealed class TimerUser : ReceiveActor
    {
        public TimerUser(IActorRef probe)
        {
            Receive<StartSingle>(s => Timers.StartSingleTimer(s.Key, s.Message, s.Delay));
            Receive<StartPeriodic>(s => Timers.StartPeriodicTimer(s.Key, s.Message, s.Interval));
            Receive<CancelTimer>(c => Timers.Cancel(c.Key));
            Receive<string>(s => s == "active?", _ => Sender.Tell(Timers.IsTimerActive("t"), Self));
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("restart me"));
            Receive<string>(s => probe.Tell(s, Self));
        }
    }

    [Fact]
    public void A_single_timer_fires_once_after_its_delay()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerUser(TestActor)));
        actor.Tell(new StartSingle("t", "tick", TimeSpan.FromSeconds(5)), null);
        Runtime!.RunUntilIdle();
        var start = Now;
        ExpectMsg("tick", TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(5), Now - start);
        ExpectNoMsg(TimeSpan.FromSeconds(30));
        Assert.False(Ask<bool>(actor, "active?"));
    }

    [Fact]
    public void A_periodic_timer_fires_at_a_fixed_rate_until_cancelled()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerUser(TestActor)));
        actor.Tell(new StartPeriodic("t", "tick", TimeSpan.FromSeconds(1)), null);
        Runtime!.RunUntilIdle();
        var start = Now;
        Assert.Equal(["tick", "tick", "tick"], ReceiveN(3, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(3), Now - start);
        actor.Tell(new CancelTimer("t"), null);
        ExpectNoMsg(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_timer_message_already_in_the_mailbox_is_dropped_when_the_timer_is_cancelled()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerUser(TestActor)));
        actor.Tell(new StartSingle("t", "late", TimeSpan.FromSeconds(1)), null);
        Runtime!.RunUntilIdle();

        // The cancel is queued first, then the timer fires and queues its message behind it.
        actor.Tell(new CancelTimer("t"), null);
        Assert.True(Runtime.Scheduler.FireNext(TimeSpan.FromSeconds(1)));
        Runtime.RunUntilIdle();
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Restarting_a_timer_with_the_same_key_replaces_it_and_the_old_message_is_dropped()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerUser(TestActor)));
        actor.Tell(new StartSingle("t", "first", TimeSpan.FromSeconds(1)), null);
        Runtime!.RunUntilIdle();
        actor.Tell(new StartSingle("t", "second", TimeSpan.FromSeconds(2)), null);
        Assert.True(Runtime.Scheduler.FireNext(TimeSpan.FromSeconds(1)) || true);
        ExpectMsg("second", TimeSpan.FromSeconds(5));
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Timers_are_cancelled_when_the_actor_restarts()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerUser(TestActor)));
        actor.Tell(new StartPeriodic("t", "tick", TimeSpan.FromSeconds(1)), null);
        ExpectMsg("tick", TimeSpan.FromSeconds(2));
        EventFilter.Error<InvalidOperationException>().ExpectOne(() => actor.Tell("fail", null));
        ExpectNoMsg(TimeSpan.FromSeconds(5));
    }

    private sealed class Sleepy : ReceiveActor
    {
        public Sleepy(IActorRef probe, TimeSpan timeout)
        {
            SetReceiveTimeout(timeout);
            Receive<ReceiveTimeout>(_ => probe.Tell("timeout", Self));
            Receive<string>(s => s == "off", _ => SetReceiveTimeout(null));
            Receive<string>(_ => { });
        }
    }

    [Fact]
    public void ReceiveTimeout_fires_after_silence_and_is_pushed_back_by_each_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Sleepy(TestActor, TimeSpan.FromSeconds(10))));
        Runtime!.RunUntilIdle();
        var start = Now;
        Runtime.Advance(TimeSpan.FromSeconds(6));
        actor.Tell("ping", null);
        Runtime.Advance(TimeSpan.FromSeconds(6));
        actor.Tell("ping", null);
        ExpectMsg("timeout", TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(22), Now - start);

        // It repeats after each further silence, until turned off.
        ExpectMsg("timeout", TimeSpan.FromSeconds(11));
        actor.Tell("off", null);
        ExpectNoMsg(TimeSpan.FromSeconds(60));
    }
}
