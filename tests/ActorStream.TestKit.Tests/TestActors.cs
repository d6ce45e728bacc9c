using ActorStream.Actors;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorStream.TestKit.Tests;

/// <summary>Replies to the sender with the message itself.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m, Self));
}

/// <summary>Replies to the sender with "echo:" + message, so replies are told apart from requests.</summary>
public sealed class PrefixEchoActor : ReceiveActor
{
    public PrefixEchoActor() => Receive<string>(m => Sender.Tell("echo:" + m, Self));
}

/// <summary>Never replies.</summary>
public sealed class SilentActor : ReceiveActor
{
    public SilentActor() => ReceiveAny(_ => { });
}

/// <summary>Throws an <see cref="InvalidOperationException"/> for "boom"; reports everything else to <c>target</c>.</summary>
public sealed class ThrowingActor : ReceiveActor
{
    public ThrowingActor(IActorRef target)
    {
        Receive<string>(m => m == "boom", _ => throw new InvalidOperationException("boom requested"));
        ReceiveAny(m => target.Tell(m, Self));
    }
}

/// <summary>After <c>delay</c> (an actor timer, so virtual time in virtual-time mode) tells <c>message</c> to <c>target</c>.</summary>
public sealed class DelayedSenderActor : ReceiveActor
{
    private readonly object _message;
    private readonly TimeSpan _delay;

    public DelayedSenderActor(IActorRef target, object message, TimeSpan delay)
    {
        _message = message;
        _delay = delay;
        ReceiveAny(m => target.Tell(m, Self));
    }

    protected override void PreStart() => Timers.StartSingleTimer("delay", _message, _delay);
}

/// <summary>Replies to a request only after <c>delay</c>, using a timer.</summary>
public sealed class DelayedReplierActor : ReceiveActor
{
    private sealed record Reply(IActorRef To, object Message);

    public DelayedReplierActor(TimeSpan delay)
    {
        Receive<Reply>(r => r.To.Tell(r.Message, Self));
        ReceiveAny(m => Timers.StartSingleTimer(m, new Reply(Sender, m), delay));
    }
}

/// <summary>Increments a shared counter on every tick of a periodic timer.</summary>
public sealed class TickingActor : ReceiveActor
{
    private readonly TimeSpan _interval;

    public TickingActor(Counter counter, TimeSpan interval)
    {
        _interval = interval;
        Receive<string>(m => m == "tick", _ => counter.Increment());
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", "tick", _interval);
}

/// <summary>Sets a shared counter to the value it is told.</summary>
public sealed class SettingActor : ReceiveActor
{
    public SettingActor(Counter counter) => Receive<int>(counter.Set);
}

/// <summary>Logs every string it receives at Information level.</summary>
public sealed class LoggingActor : ReceiveActor
{
    public LoggingActor() => Receive<string>(m => Log.LogInformation("actor says {Text}", m));
}

/// <summary>A thread-safe counter shared between a test and its actors.</summary>
public sealed class Counter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Set(int value) => Volatile.Write(ref _value, value);
}

/// <summary>An <see cref="ITestOutputHelper"/> that records what is written, to assert on the test output.</summary>
public sealed class RecordingOutput : ITestOutputHelper
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public void WriteLine(string message)
    {
        lock (_lock)
        {
            _lines.Add(message);
        }
    }

    public void WriteLine(string format, params object[] args) =>
        WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
