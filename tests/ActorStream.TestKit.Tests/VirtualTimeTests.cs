using ActorStream.Actors;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorStream.TestKit.Tests;

/// <summary>The TestKit on a <see cref="DeterministicRuntime"/>: waiting moves virtual time, never the wall clock.</summary>
public sealed class VirtualTimeTests(ITestOutputHelper output) : TestKit(new DeterministicRuntime(seed: 42), output)
{
    [Fact]
    public void Kit_is_in_virtual_time_and_starts_at_zero()
    {
        Assert.True(IsVirtualTime);
        Assert.NotNull(Runtime);
        Assert.Equal(TimeSpan.Zero, Now);
    }

    [Fact]
    public void ExpectMsg_waits_for_a_30_second_timer_by_advancing_virtual_time()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "wake up", TimeSpan.FromSeconds(30))));

        ExpectMsg("wake up", TimeSpan.FromMinutes(1));

        Assert.True(Now >= TimeSpan.FromSeconds(30), $"virtual time is {Now}");
        Assert.True(Runtime!.Now >= TimeSpan.FromSeconds(30));
        Assert.Equal(Runtime.Now, Now);
        // The message arrives when its timer fires: the kit does not run past it to the end of the timeout.
        Assert.True(Now < TimeSpan.FromMinutes(1), $"virtual time is {Now}");
    }

    [Fact]
    public void A_separately_constructed_virtual_time_kit_reads_the_runtime_clock()
    {
        var runtime = new DeterministicRuntime(seed: 42);
        using var kit = new TestKit(runtime, output);
        kit.ActorOf(Props.Create(() => new DelayedSenderActor(kit.TestActor, "wake up", TimeSpan.FromSeconds(30))));

        kit.ExpectMsg("wake up", TimeSpan.FromMinutes(1));

        Assert.True(runtime.Now >= TimeSpan.FromSeconds(30), $"virtual time is {runtime.Now}");
        Assert.True(kit.Now >= TimeSpan.FromSeconds(30), $"virtual time is {kit.Now}");
    }

    [Fact]
    public void ExpectMsg_times_out_in_virtual_time_when_the_timer_is_too_late()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "too late", TimeSpan.FromSeconds(30))));

        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>(TimeSpan.FromSeconds(10)));

        Assert.Contains("String", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), Now);
        ExpectMsg("too late", TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), Now);
    }

    [Fact]
    public void ExpectNoMsg_advances_virtual_time_by_its_duration()
    {
        ExpectNoMsg(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), Now);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_timer_fires_inside_the_window()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "inside", TimeSpan.FromSeconds(3))));

        var e = Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromSeconds(5)));

        Assert.Contains("inside", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), Now);
    }

    [Fact]
    public void ExpectNoMsg_passes_when_the_timer_fires_after_the_window()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "after", TimeSpan.FromSeconds(10))));

        ExpectNoMsg(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), Now);
        ExpectMsg("after", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Within_fails_when_the_block_takes_longer_than_the_maximum()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "slow", TimeSpan.FromSeconds(2))));

        var e = Assert.Throws<XunitException>(() => Within(TimeSpan.FromSeconds(1), () =>
        {
            ExpectMsg("slow", TimeSpan.FromSeconds(5));
        }));

        Assert.Contains("longer than the maximum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_passes_when_the_block_is_fast_enough()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "quick", TimeSpan.FromSeconds(2))));

        Within(TimeSpan.FromSeconds(3), () => ExpectMsg("quick"));

        Assert.Equal(TimeSpan.FromSeconds(2), Now);
    }

    [Fact]
    public void Within_with_a_minimum_fails_when_the_block_is_too_fast()
    {
        TestActor.Tell("immediate", null);

        var e = Assert.Throws<XunitException>(() =>
            Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), () => ExpectMsg<string>()));

        Assert.Contains("earlier than the minimum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_inside_Within_gets_only_the_remaining_time()
    {
        ActorOf(Props.Create(() => new DelayedSenderActor(TestActor, "never in time", TimeSpan.FromSeconds(20))));

        Assert.Throws<XunitException>(() => Within(TimeSpan.FromSeconds(10), () =>
        {
            Runtime!.Advance(TimeSpan.FromSeconds(6));
            ExpectMsg<string>();
        }));

        // ExpectMsg without a timeout waited for what was left of the 10 s block (4 s), not its own 3 s
        // default and not the 20 s until the message.
        Assert.Equal(TimeSpan.FromSeconds(10), Now);
    }

    [Fact]
    public void ExpectMsg_inside_Within_reports_the_remaining_time_it_waited()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Settings.SingleExpectDefault);
        var e = Assert.Throws<XunitException>(() => Within(TimeSpan.FromSeconds(10), () =>
        {
            Runtime!.Advance(TimeSpan.FromSeconds(6));
            ExpectMsg<string>();
        }));

        // It waited 4 s; the failure should say so rather than "Timeout (0 ms)".
        Assert.Contains("4000 ms", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_passes()
    {
        var counter = new Counter();
        ActorOf(Props.Create(() => new TickingActor(counter, TimeSpan.FromMilliseconds(100))));
        var attempts = 0;

        AwaitAssert(() =>
        {
            attempts++;
            Assert.True(counter.Value >= 3, $"counter is {counter.Value}");
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));

        Assert.True(attempts > 1);
        Assert.True(Now >= TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void AwaitAssert_rethrows_the_last_failure_on_timeout()
    {
        var attempts = 0;

        var e = Assert.Throws<XunitException>(() => AwaitAssert(() =>
        {
            attempts++;
            throw new XunitException($"attempt {attempts}");
        }, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)));

        Assert.True(attempts > 1);
        Assert.Equal($"attempt {attempts}", e.Message);
        Assert.True(Now >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AwaitCondition_advances_virtual_time_until_the_condition_holds()
    {
        var counter = new Counter();
        ActorOf(Props.Create(() => new TickingActor(counter, TimeSpan.FromSeconds(10))));

        AwaitCondition(() => counter.Value >= 3, TimeSpan.FromMinutes(1));

        Assert.Equal(3, counter.Value);
        Assert.Equal(TimeSpan.FromSeconds(30), Now);
    }

    [Fact]
    public void AwaitCondition_fails_with_the_message_after_its_duration()
    {
        var e = Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromSeconds(2), "never true"));

        Assert.Contains("never true", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), Now);
    }

    [Fact]
    public void Ask_runs_the_actors_until_the_reply_arrives()
    {
        var echo = ActorOf(Props.Create(() => new EchoActor()));

        Assert.Equal("hi", Ask<string>(echo, "hi"));
    }

    [Fact]
    public void Ask_advances_virtual_time_to_a_delayed_reply()
    {
        var replier = ActorOf(Props.Create(() => new DelayedReplierActor(TimeSpan.FromSeconds(20))));

        Assert.Equal("later", Ask<string>(replier, "later", TimeSpan.FromMinutes(1)));

        Assert.Equal(TimeSpan.FromSeconds(20), Now);
    }

    [Fact]
    public void Ask_fails_with_AskTimeoutException_after_virtual_timeout()
    {
        var silent = ActorOf(Props.Create(() => new SilentActor()));

        Assert.Throws<AskTimeoutException>(() => Ask<string>(silent, "anyone?", TimeSpan.FromSeconds(5)));

        Assert.True(Now >= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void TestProbe_receives_in_virtual_time()
    {
        var probe = CreateTestProbe();
        ActorOf(Props.Create(() => new DelayedSenderActor(probe, 99, TimeSpan.FromHours(1))));

        Assert.Equal(99, probe.ExpectMsg<int>(TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(1), Now);
    }

    [Fact]
    public void Same_seed_gives_the_same_interleaving()
    {
        static IReadOnlyList<object> Run(ITestOutputHelper output)
        {
            using var kit = new TestKit(new DeterministicRuntime(seed: 7), output);
            for (var i = 0; i < 5; i++)
            {
                var value = i;
                kit.ActorOf(Props.Create(() => new DelayedSenderActor(kit.TestActor, value, TimeSpan.Zero)));
            }

            return kit.ReceiveN(5);
        }

        Assert.Equal(Run(output), Run(output));
    }
}
