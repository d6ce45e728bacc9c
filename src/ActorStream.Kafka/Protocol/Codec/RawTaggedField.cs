namespace ActorStream.Kafka.Protocol.Codec;

/// <summary>A tagged field this codec has no description for, kept verbatim so it survives a decode/encode round trip.</summary>
public readonly record struct RawTaggedField(int Tag, ReadOnlyMemory<byte> Data);
