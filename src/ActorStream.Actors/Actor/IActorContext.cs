using ActorStream.Actors.Scheduling;
using Microsoft.Extensions.Logging;

namespace ActorStream.Actors;

/// <summary>Handles a message; returns false when it does not handle it.</summary>
public delegate bool Receive(object message);

public interface IActorRefFactory
{
    /// <summary>Creates an actor; a null name gets a unique system-generated one ($a, $b, ...).</summary>
    IActorRef ActorOf(Props props, string? name = null);

    ActorSelection ActorSelection(string path);
}

/// <summary>What an actor may know and do about itself; valid only inside the actor.</summary>
public interface IActorContext : IActorRefFactory
{
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed; <see cref="ActorSystem.DeadLetters"/> when there is none.</summary>
    IActorRef Sender { get; }

    IActorRef Parent { get; }

    ActorSystem System { get; }

    Props Props { get; }

    IScheduler Scheduler { get; }

    IEnumerable<IActorRef> GetChildren();

    IActorRef? Child(string name);

    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> once when <paramref name="subject"/> stops, even if it already has.</summary>
    IActorRef Watch(IActorRef subject);

    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behaviour.</summary>
    void Become(Receive receive);

    /// <summary>Pushes a behaviour; <see cref="UnbecomeStacked"/> pops it.</summary>
    void BecomeStacked(Receive receive);

    void UnbecomeStacked();

    /// <summary>Sends <see cref="ReceiveTimeout"/> after this long without a message; null turns it off.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);

    TimeSpan? ReceiveTimeout { get; }

    ILogger GetLogger();
}
