using ActorStream.Actors;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorStream.TestKit.Tests;

public sealed class EventFilterTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void Error_of_exception_type_ExpectOne_passes_when_an_actor_throws()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        EventFilter.Error<InvalidOperationException>().ExpectOne(() => actor.Tell("boom", null));

        // The supervisor restarted the actor: it still works.
        actor.Tell("still alive", null);
        ExpectMsg("still alive");
    }

    [Fact]
    public void Error_with_text_matches_the_exception_message()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        EventFilter.Error<InvalidOperationException>(contains: "boom requested").ExpectOne(() => actor.Tell("boom", null));
    }

    [Fact]
    public void The_logged_error_carries_the_exception()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        EventFilter.Error().ExpectOne(() => actor.Tell("boom", null));

        var entry = Assert.Single(LogEntries.Entries, EventFilter.Error<InvalidOperationException>().Matches);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Equal("boom requested", entry.Exception!.Message);
    }

    [Fact]
    public void Expect_counts_several_errors()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        EventFilter.Error<InvalidOperationException>().Expect(3, () =>
        {
            actor.Tell("boom", null);
            actor.Tell("boom", null);
            actor.Tell("boom", null);
        });
    }

    [Fact]
    public void ExpectOne_fails_when_nothing_is_logged()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        var e = Assert.Throws<XunitException>(() =>
            EventFilter.Error<InvalidOperationException>().Expect(1, () => actor.Tell("harmless", null), TimeSpan.FromMilliseconds(300)));

        Assert.Contains("InvalidOperationException", e.Message, StringComparison.Ordinal);
        Assert.Contains("saw 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expect_fails_when_fewer_errors_are_logged_than_expected()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        var e = Assert.Throws<XunitException>(() =>
            EventFilter.Error<InvalidOperationException>().Expect(2, () => actor.Tell("boom", null), TimeSpan.FromMilliseconds(500)));

        Assert.Contains("Expected 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("saw 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_of_another_exception_type_does_not_match()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        Assert.Throws<XunitException>(() =>
            EventFilter.Error<ArgumentException>().Expect(1, () => actor.Tell("boom", null), TimeSpan.FromMilliseconds(300)));
    }
}

/// <summary>EventFilter in virtual time, where the outcome cannot depend on thread timing.</summary>
public sealed class VirtualTimeEventFilterTests(ITestOutputHelper output) : TestKit(new DeterministicRuntime(seed: 42), output)
{
    [Fact]
    public void ExpectOne_passes_when_an_actor_throws()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        EventFilter.Error<InvalidOperationException>().ExpectOne(() => actor.Tell("boom", null));
    }

    [Fact]
    public void Expect_fails_when_fewer_errors_are_logged_than_expected()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        var e = Assert.Throws<XunitException>(() =>
            EventFilter.Error<InvalidOperationException>().Expect(2, () => actor.Tell("boom", null)));

        Assert.Contains("saw 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectOne_fails_when_two_errors_are_logged()
    {
        var actor = ActorOf(Props.Create(() => new ThrowingActor(TestActor)));

        // Both failures are caused inside the block; with a deterministic runtime the kit can run the system
        // to idle before counting, so a surplus must be reported.
        var e = Assert.Throws<XunitException>(() => EventFilter.Error<InvalidOperationException>().ExpectOne(() =>
        {
            actor.Tell("boom", null);
            actor.Tell("boom", null);
        }));

        Assert.Contains("saw 2", e.Message, StringComparison.Ordinal);
    }
}
