namespace ActorStream.Actors.Dispatch;

/// <summary>A message and who sent it. A struct, so enqueueing a tell allocates nothing.</summary>
public readonly record struct Envelope(object Message, IActorRef? Sender);
