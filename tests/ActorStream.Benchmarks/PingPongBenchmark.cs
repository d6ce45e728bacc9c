using ActorStream.Actors;

namespace ActorStream.Benchmarks;

/// <summary>
/// P pairs of actors bouncing one preallocated message; each pair keeps K messages in flight. Every tell
/// (ping or pong) counts as one message. The pinger counts replies and signals once when its share is done.
/// </summary>
internal static class PingPongBenchmark
{
    public enum ActorKind
    {
        Untyped,
        Receive,
    }

    public static ResultRow Run(Options options, ActorSystem system, int pairs, int inFlight, ActorKind kind)
    {
        var totalMessages = options.Messages;
        var roundTripsPerPair = Math.Max(inFlight, totalMessages / 2 / pairs);
        var measured = roundTripsPerPair * 2L * pairs;

        // Warm-up: a tenth of the work, same shape, so the JIT (tiered PGO) reaches its final code.
        RunOnce(system, pairs, inFlight, kind, Math.Max(inFlight, roundTripsPerPair / 10), roundTripsPerPair / 5);
        var runs = new List<RunResult>();
        for (var i = 0; i < options.Repetitions; i++)
        {
            runs.Add(RunOnce(system, pairs, inFlight, kind, roundTripsPerPair, measured));
        }

        return Measure.Throughput("ping-pong", $"{kind,-7} P={pairs,-2} K={inFlight,-3}", runs);
    }

    private static RunResult RunOnce(ActorSystem system, int pairs, int inFlight, ActorKind kind, long roundTripsPerPair, long messages)
    {
        using var completion = new Completion(pairs);
        var pingers = new IActorRef[pairs];
        var actors = new List<IActorRef>();
        for (var p = 0; p < pairs; p++)
        {
            var ponger = kind == ActorKind.Untyped
                ? system.ActorOf(Props.Create(() => new UntypedPonger()))
                : system.ActorOf(Props.Create(() => new ReceivePonger()));
            var pinger = kind == ActorKind.Untyped
                ? system.ActorOf(Props.Create(() => new UntypedPinger(ponger, inFlight, roundTripsPerPair, completion)))
                : system.ActorOf(Props.Create(() => new ReceivePinger(ponger, inFlight, roundTripsPerPair, completion)));
            pingers[p] = pinger;
            actors.Add(ponger);
            actors.Add(pinger);
        }

        Measure.Settle();
        var result = Measure.Run(
            messages,
            () =>
            {
                foreach (var pinger in pingers)
                {
                    pinger.Tell(Go.Instance, null);
                }
            },
            () => completion.Wait());
        foreach (var actor in actors)
        {
            system.Stop(actor);
        }

        return result;
    }

    private sealed class UntypedPinger(IActorRef ponger, int inFlight, long roundTrips, Completion completion) : UntypedActor
    {
        private IActorRef _self = ActorRefs.NoSender;
        private long _toSend = roundTrips;
        private long _toReceive = roundTrips;

        protected override void PreStart() => _self = Self;

        protected override void OnReceive(object message)
        {
            if (ReferenceEquals(message, Payload.Instance))
            {
                if (--_toReceive == 0)
                {
                    completion.Signal();
                }
                else if (_toSend > 0)
                {
                    _toSend--;
                    ponger.Tell(Payload.Instance, _self);
                }
            }
            else if (message is Go)
            {
                for (var i = 0; i < inFlight && _toSend > 0; i++)
                {
                    _toSend--;
                    ponger.Tell(Payload.Instance, _self);
                }
            }
            else
            {
                Unhandled(message);
            }
        }
    }

    private sealed class UntypedPonger : UntypedActor
    {
        private IActorRef _self = ActorRefs.NoSender;

        protected override void PreStart() => _self = Self;

        protected override void OnReceive(object message) => Sender.Tell(message, _self);
    }

    private sealed class ReceivePinger : ReceiveActor
    {
        private IActorRef _self = ActorRefs.NoSender;
        private long _toSend;
        private long _toReceive;

        public ReceivePinger(IActorRef ponger, int inFlight, long roundTrips, Completion completion)
        {
            _toSend = roundTrips;
            _toReceive = roundTrips;
            Receive<Payload>(_ =>
            {
                if (--_toReceive == 0)
                {
                    completion.Signal();
                }
                else if (_toSend > 0)
                {
                    _toSend--;
                    ponger.Tell(Payload.Instance, _self);
                }
            });
            Receive<Go>(_ =>
            {
                for (var i = 0; i < inFlight && _toSend > 0; i++)
                {
                    _toSend--;
                    ponger.Tell(Payload.Instance, _self);
                }
            });
        }

        protected override void PreStart() => _self = Self;
    }

    private sealed class ReceivePonger : ReceiveActor
    {
        private IActorRef _self = ActorRefs.NoSender;

        public ReceivePonger() => Receive<Payload>(m => Sender.Tell(m, _self));

        protected override void PreStart() => _self = Self;
    }
}
