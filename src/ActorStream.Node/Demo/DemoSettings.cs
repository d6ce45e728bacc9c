using ActorStream.Hocon;

namespace ActorStream.Node.Demo;

/// <summary>actorstream.node.demo, read once at start so a bad value stops the node before anything runs.</summary>
internal sealed record DemoSettings(int Workers, long Messages, long FailEvery, TimeSpan ReportInterval)
{
    public static DemoSettings From(Config config)
    {
        // Full paths, so that an error names the key exactly as an operator would write it.
        const string prefix = "actorstream.node.demo.";
        var settings = new DemoSettings(
            config.GetInt(prefix + "workers"),
            config.GetLong(prefix + "messages"),
            config.GetLong(prefix + "fail-every"),
            config.GetDuration(prefix + "report-interval"));
        if (settings.Workers < 1)
        {
            throw new ConfigException($"actorstream.node.demo.workers must be at least 1, got {settings.Workers}", "actorstream.node.demo.workers", null, null);
        }

        return settings;
    }
}
