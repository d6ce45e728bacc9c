using ActorStream.Hocon;

namespace ActorStream.TestKit;

/// <summary>The actorstream.test section of the configuration.</summary>
public sealed class TestKitSettings(Config config)
{
    public double TimeFactor { get; } = config.GetDouble("actorstream.test.timefactor");

    public TimeSpan SingleExpectDefault { get; } = config.GetDuration("actorstream.test.single-expect-default");

    public TimeSpan ExpectNoMessageDefault { get; } = config.GetDuration("actorstream.test.expect-no-message-default");

    public TimeSpan AwaitDefault { get; } = config.GetDuration("actorstream.test.await-default");

    public TimeSpan AwaitInterval { get; } = config.GetDuration("actorstream.test.await-interval");

    public TimeSpan ShutdownTimeout { get; } = config.GetDuration("actorstream.test.shutdown-timeout");
}
