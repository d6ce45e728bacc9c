using System.Runtime.InteropServices;
using ActorStream.Actors;
using ActorStream.Hocon;
using ActorStream.Node.Demo;
using Microsoft.Extensions.Logging;

namespace ActorStream.Node;

/// <summary>
/// The node: reads configuration (refusing to start on an invalid one), starts the actor system, runs
/// the start-up demo and then serves until SIGTERM or Ctrl+C, which run coordinated shutdown.
/// </summary>
public static class NodeProgram
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitBadConfig = 2;

    public static async Task<int> RunAsync(string[] args, ILoggerFactory loggerFactory, CancellationToken stop = default)
    {
        var log = loggerFactory.CreateLogger("ActorStream.Node");
        if (!TryParseArgs(args, out var options, out var usageError))
        {
            log.LogError("{Error}. Usage: actorstream-node [--config <file.conf>] [--exit-after-demo]", usageError);
            return ExitBadConfig;
        }

        Config config;
        DemoSettings demo;
        string name;
        try
        {
            config = LoadConfig(options.ConfigPath);
            name = config.GetString("actorstream.node.name");
            demo = DemoSettings.From(config);
        }
        catch (ConfigException e)
        {
            log.LogCritical("Invalid configuration, the node will not start: {Message}", e.Message);
            return ExitBadConfig;
        }

        var system = ActorSystem.Create(name, config, new ActorSystemSetup { LoggerFactory = loggerFactory });
        log.LogInformation("ActorStream node [{Name}] started with configuration {Config}", name, options.ConfigPath ?? "(built-in defaults)");
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            log.LogInformation("SIGTERM received: shutting down");
            _ = system.CoordinatedShutdown.Run("SIGTERM received");
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            log.LogInformation("Ctrl+C received: shutting down");
            _ = system.CoordinatedShutdown.Run("Ctrl+C received");
        });
        using var stopRegistration = stop.Register(() => _ = system.CoordinatedShutdown.Run("stop requested by the host"));

        var exitCode = await RunDemo(system, demo, log);
        if (options.ExitAfterDemo)
        {
            await system.Terminate();
            return exitCode;
        }

        log.LogInformation("Node [{Name}] is running; press Ctrl+C or send SIGTERM to stop", name);
        await system.WhenTerminated;
        log.LogInformation("Node [{Name}] stopped", name);
        return exitCode;
    }

    private static async Task<int> RunDemo(ActorSystem system, DemoSettings demo, ILogger log)
    {
        log.LogInformation("Demo: {Workers} workers count {Messages:N0} messages; every {FailEvery:N0} messages one worker crashes and is restarted",
            demo.Workers, demo.Messages, demo.FailEvery);
        var coordinator = system.ActorOf(Props.Create(() => new Coordinator(demo)), "demo");
        var finished = await coordinator.Ask<DemoFinished>("start", TimeSpan.FromMinutes(5));
        var rate = finished.Counted / Math.Max(finished.Elapsed.TotalSeconds, 1e-9);
        log.LogInformation("Demo finished: {Counted:N0} of {Messages:N0} messages counted in {Elapsed:0} ms ({Rate:N0} messages/s) across {Restarts} worker restart(s)",
            finished.Counted, demo.Messages, finished.Elapsed.TotalMilliseconds, rate, finished.Restarts);
        system.Stop(coordinator);
        if (finished.Counted != demo.Messages)
        {
            log.LogError("Demo lost messages: counted {Counted:N0}, sent {Messages:N0}", finished.Counted, demo.Messages);
            return ExitFailed;
        }

        return ExitOk;
    }

    /// <summary>The file's settings over every reference.conf, resolved now so that any error stops the start.</summary>
    public static Config LoadConfig(string? path)
    {
        var config = path is null ? ConfigFactory.Empty : ConfigFactory.ParseFile(path);
        var full = config.WithFallback(ActorSystem.ReferenceConfig());
        full.Resolve();
        return full;
    }

    private sealed record Options(string? ConfigPath, bool ExitAfterDemo);

    private static bool TryParseArgs(string[] args, out Options options, out string error)
    {
        string? configPath = null;
        var exitAfterDemo = false;
        options = new Options(null, false);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length:
                    configPath = args[++i];
                    break;
                case "--exit-after-demo":
                    exitAfterDemo = true;
                    break;
                default:
                    error = $"Unknown or incomplete argument '{args[i]}'";
                    return false;
            }
        }

        if (configPath is null && File.Exists(DefaultConfigPath))
        {
            configPath = DefaultConfigPath;
        }

        if (configPath is not null && !File.Exists(configPath))
        {
            error = $"Configuration file '{configPath}' does not exist";
            return false;
        }

        options = new Options(configPath, exitAfterDemo);
        return true;
    }

    /// <summary>The shipped single-node configuration, when run from the repository root.</summary>
    public const string DefaultConfigPath = "hocon/actorstream.conf";
}
