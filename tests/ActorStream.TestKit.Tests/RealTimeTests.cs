using ActorStream.Actors;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorStream.TestKit.Tests;

/// <summary>Within, AwaitAssert, AwaitCondition and Ask in real time. No assertion depends on how fast the machine is.</summary>
public sealed class RealTimeTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void Kit_is_in_real_time()
    {
        Assert.False(IsVirtualTime);
        Assert.Null(Runtime);
    }

    [Fact]
    public void Within_passes_for_a_block_that_finishes_in_time()
    {
        var echo = ActorOf(Props.Create(() => new EchoActor()));

        Within(TimeSpan.FromSeconds(10), () =>
        {
            echo.Tell("inside", TestActor);
            ExpectMsg("inside");
        });
    }

    [Fact]
    public void Within_returns_the_value_of_the_block()
    {
        TestActor.Tell(5, null);

        var value = Within(TimeSpan.Zero, TimeSpan.FromSeconds(10), () => ExpectMsg<int>());

        Assert.Equal(5, value);
    }

    [Fact]
    public void Remaining_inside_Within_is_at_most_the_block_maximum()
    {
        Within(TimeSpan.FromSeconds(10), () =>
        {
            var left = Remaining();
            Assert.True(left <= Dilated(TimeSpan.FromSeconds(10)));
            Assert.NotEqual(Settings.SingleExpectDefault, left);
        });
    }

    [Fact]
    public void Remaining_outside_Within_is_the_single_expect_default()
    {
        Assert.Equal(Dilated(Settings.SingleExpectDefault), Remaining());
        Assert.Equal(Dilated(TimeSpan.FromSeconds(7)), Remaining(TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void AwaitAssert_retries_until_an_actor_has_done_its_work()
    {
        var counter = new Counter();
        var setter = ActorOf(Props.Create(() => new SettingActor(counter)));

        setter.Tell(42, null);

        AwaitAssert(() => Assert.Equal(42, counter.Value), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void AwaitAssert_rethrows_the_last_assertion_failure_on_timeout()
    {
        var attempts = 0;

        var e = Assert.ThrowsAny<XunitException>(() => AwaitAssert(() =>
        {
            attempts++;
            throw new XunitException($"attempt {attempts}");
        }, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(20)));

        Assert.True(attempts > 1, $"only {attempts} attempt(s)");
        Assert.Equal($"attempt {attempts}", e.Message);
    }

    [Fact]
    public void AwaitCondition_waits_until_an_actor_has_done_its_work()
    {
        var counter = new Counter();
        var setter = ActorOf(Props.Create(() => new SettingActor(counter)));

        setter.Tell(7, null);

        AwaitCondition(() => counter.Value == 7, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void AwaitCondition_fails_with_the_given_message()
    {
        var e = Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(100), "the flag was never set"));

        Assert.Contains("the flag was never set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_returns_the_reply()
    {
        var echo = ActorOf(Props.Create(() => new EchoActor()));

        Assert.Equal("hi", Ask<string>(echo, "hi"));
    }

    [Fact]
    public void Ask_of_the_wrong_reply_type_fails_with_InvalidCastException()
    {
        var echo = ActorOf(Props.Create(() => new EchoActor()));

        Assert.Throws<InvalidCastException>(() => Ask<int>(echo, "not a number"));
    }

    [Fact]
    public void Ask_fails_with_AskTimeoutException_when_nobody_replies()
    {
        var silent = ActorOf(Props.Create(() => new SilentActor()));

        Assert.Throws<AskTimeoutException>(() => Ask<string>(silent, "anyone?", TimeSpan.FromMilliseconds(100)));
    }
}
