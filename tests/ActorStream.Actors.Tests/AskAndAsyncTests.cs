using Xunit.Abstractions;

namespace ActorStream.Actors.Tests;

public sealed class AskAndAsyncTests(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            Receive<string>(s => s == "silent", _ => { });
            Receive<string>(s => s == "fail", _ => Sender.Tell(new StatusFailure(new InvalidOperationException("refused")), Self));
            ReceiveAny(m => Sender.Tell(m, Self));
        }
    }

    [Fact]
    public async Task Ask_completes_with_the_reply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        Assert.Equal(42, await echo.Ask<int>(42, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Ask_times_out_with_a_clear_exception_in_virtual_time()
    {
        using var kit = new TestKit.TestKit(new DeterministicRuntime(seed: 2), output);
        var echo = kit.Sys.ActorOf(Props.Create(() => new Echo()), "echo");
        var task = echo.Ask<string>("silent", TimeSpan.FromSeconds(3));
        kit.Runtime!.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(task.IsCompleted);
        kit.Runtime.Advance(TimeSpan.FromSeconds(0.2));
        var error = Assert.Throws<AskTimeoutException>(() => task.GetAwaiter().GetResult());
        Assert.Contains("/user/echo", error.Message, StringComparison.Ordinal);
        Assert.Contains("3000 ms", error.Message, StringComparison.Ordinal);
        Assert.Contains("String", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_fails_with_the_cause_of_a_StatusFailure_reply_and_with_a_clear_error_for_a_wrong_type()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => echo.Ask<string>("fail", TimeSpan.FromSeconds(5)));
        Assert.Equal("refused", refused.Message);
        var wrongType = await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<int>("text", TimeSpan.FromSeconds(5)));
        Assert.Contains("Int32", wrongType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_to_a_stopped_actor_times_out_rather_than_hanging()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
        await Assert.ThrowsAsync<AskTimeoutException>(() => echo.Ask("anyone?", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task An_ask_pending_when_the_system_terminates_fails_instead_of_hanging()
    {
        var system = ActorSystem.Create("ask-at-shutdown", null, new ActorSystemSetup { LoggerFactory = LogEntries });
        var echo = system.ActorOf(Props.Create(() => new Echo()));
        var pending = echo.Ask<string>("silent", TimeSpan.FromHours(1));
        await system.Terminate();
        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => pending);
        Assert.Contains("terminated before a reply arrived", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Awaits inside the handler; records whether another message slipped in meanwhile.</summary>
    private sealed class AsyncWorker : ReceiveActor
    {
        private bool _busy;

        public AsyncWorker(IActorRef probe)
        {
            ReceiveAsync<TaskCompletionSource<int>>(async gate =>
            {
                _busy = true;
                var sender = Sender;
                var value = await gate.Task;
                await Task.Yield();

                // Back inside the actor: Sender and Self are those of the message being handled.
                probe.Tell(Sender.Equals(sender) ? $"resumed {value}" : "wrong sender", Self);
                _busy = false;
            });
            ReceiveAsync<string>(s => s == "async-fail", async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("failed after await");
            });
            Receive<string>(s => probe.Tell(_busy ? "overlap " + s : "then " + s, Self));
        }
    }

    [Fact]
    public void ReceiveAsync_holds_other_messages_until_the_task_completes_and_continues_inside_the_actor()
    {
        var probe = CreateTestProbe();
        var worker = Sys.ActorOf(Props.Create(() => new AsyncWorker(probe)));
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Tell(gate, TestActor);
        worker.Tell("next", null);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        gate.SetResult(7);
        probe.ExpectMsg("resumed 7");
        probe.ExpectMsg("then next");
    }

    [Fact]
    public void A_ReceiveAsync_handler_that_throws_after_await_fails_the_actor()
    {
        var probe = CreateTestProbe();
        var worker = Sys.ActorOf(Props.Create(() => new AsyncWorker(probe)));
        EventFilter.Error<InvalidOperationException>(contains: "failed after await").ExpectOne(() => worker.Tell("async-fail", null));
        worker.Tell("after", null);
        probe.ExpectMsg("then after");
    }
}
