using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorStream.TestKit.Tests;

public sealed class ExpectMsgTests(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void ExpectMsg_of_type_returns_the_message()
    {
        TestActor.Tell("hello", null);

        Assert.Equal("hello", ExpectMsg<string>());
    }

    [Fact]
    public void ExpectMsg_of_type_fails_naming_the_expected_and_the_actual_type()
    {
        TestActor.Tell(42, null);

        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>());

        Assert.Contains("String", e.Message, StringComparison.Ordinal);
        Assert.Contains("42", e.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_fails_on_timeout_naming_the_expected_type()
    {
        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>(s_short));

        Assert.Contains("Timeout", e.Message, StringComparison.Ordinal);
        Assert.Contains("String", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_of_equal_value_passes()
    {
        TestActor.Tell("hello", null);

        Assert.Equal("hello", ExpectMsg("hello"));
    }

    [Fact]
    public void ExpectMsg_of_equal_value_fails_for_another_value_naming_the_expected_one()
    {
        TestActor.Tell("goodbye", null);

        var e = Assert.Throws<XunitException>(() => ExpectMsg("hello"));

        Assert.Contains("hello", e.Message, StringComparison.Ordinal);
        Assert.Contains("goodbye", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_of_equal_value_fails_for_another_type_naming_the_expected_type()
    {
        TestActor.Tell(7, null);

        var e = Assert.Throws<XunitException>(() => ExpectMsg("hello"));

        Assert.Contains("String", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_with_predicate_passes_for_a_matching_message()
    {
        TestActor.Tell(10, null);

        Assert.Equal(10, ExpectMsg<int>(i => i > 5));
    }

    [Fact]
    public void ExpectMsg_with_predicate_fails_for_a_non_matching_message()
    {
        TestActor.Tell(3, null);

        var e = Assert.Throws<XunitException>(() => ExpectMsg<int>(i => i > 5, hint: "greater than five"));

        Assert.Contains("greater than five", e.Message, StringComparison.Ordinal);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_consumes_messages_in_order()
    {
        TestActor.Tell(1, null);
        TestActor.Tell(2, null);

        ExpectMsg(1);
        ExpectMsg(2);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void ExpectMsg_waits_for_a_reply_from_an_actor()
    {
        var echo = ActorOf(Actors.Props.Create(() => new EchoActor()));

        echo.Tell("ping", TestActor);

        ExpectMsg("ping");
    }
}
