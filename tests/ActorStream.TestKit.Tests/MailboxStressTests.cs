using ActorStream.Actors;
using Xunit.Abstractions;

namespace ActorStream.TestKit.Tests;

/// <summary>
/// Regression test for a lost mailbox wake-up in real time (see Mailbox.Execute: the scheduled flag is
/// cleared with a release-only write and then the queue is checked, which x86 may reorder, so a message
/// posted at that moment is left in a mailbox that nobody schedules). Ping-pong with one message in flight
/// makes each actor go idle between messages, which is the racy moment. Passing takes well under a second.
/// </summary>
public sealed class MailboxStressTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed class Ball
    {
        public static readonly Ball Instance = new();
    }

    private sealed class Ponger : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class Pinger(IActorRef ponger, IActorRef report, int roundTrips) : UntypedActor
    {
        private int _left = roundTrips;

        protected override void OnReceive(object message)
        {
            if (message is Ball)
            {
                if (--_left == 0)
                {
                    report.Tell("done", Self);
                }
                else
                {
                    ponger.Tell(Ball.Instance, Self);
                }
            }
            else if (message is "start")
            {
                ponger.Tell(Ball.Instance, Self);
            }
        }
    }

    [Fact]
    public void Ping_pong_with_one_message_in_flight_never_stalls()
    {
        const int Pairs = 4;
        const int RoundTrips = 250_000;
        for (var p = 0; p < Pairs; p++)
        {
            var ponger = ActorOf(Props.Create(() => new Ponger()));
            var pinger = ActorOf(Props.Create(() => new Pinger(ponger, TestActor, RoundTrips)));
            pinger.Tell("start", null);
        }

        // Generous: a stalled pair never finishes, however long we wait.
        var done = ReceiveN(Pairs, TimeSpan.FromSeconds(30));

        Assert.All(done, m => Assert.Equal("done", m));
    }
}
