using System.Runtime.InteropServices;
using ActorStream.Actors;
using ActorStream.Actors.Shutdown;
using ActorStream.Broker;
using ActorStream.Broker.Metadata;
using ActorStream.Hocon;
using ActorStream.Kafka.Network;
using ActorStream.Kafka.Server;
using ActorStream.Node.Admin;
using Microsoft.Extensions.Logging;

namespace ActorStream.Node;

/// <summary>
/// The node: reads configuration (refusing to start on an invalid one, naming the key), starts the actor system and
/// the broker (recovering every topic and record from the data directory), opens the Kafka listener and serves until
/// SIGTERM or Ctrl+C, which run coordinated shutdown: stop accepting, let every partition finish its writes, flush
/// and close its log, then stop the actors.
/// </summary>
public static class NodeProgram
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitBadConfig = 2;

    /// <summary>
    /// Printed on stdout once the node serves Kafka clients (followed by <c>host:port</c>, then <c> admin=http://host:port</c>
    /// when the admin API is on): scripts and tests wait for it.
    /// </summary>
    public const string ReadyLinePrefix = "ActorStream node ready: kafka=";

    private sealed record NodeSettings(
        string Name, string DataDirectory, TimeSpan StartupTimeout, TimeSpan ShutdownTimeout, BrokerSettings Broker, KafkaListenerOptions Listener, TimeSpan RequestTimeout, AdminSettings Admin);

    public static async Task<int> RunAsync(string[] args, ILoggerFactory loggerFactory, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var log = loggerFactory.CreateLogger("ActorStream.Node");
        if (!TryParseArgs(args, out var configPath, out var usageError))
        {
            log.LogError("{Error}. Usage: actorstream-node [--config <file.conf>]", usageError);
            return ExitBadConfig;
        }

        Config config;
        NodeSettings settings;
        try
        {
            config = LoadConfig(configPath);
            settings = ReadSettings(config);
        }
        catch (ConfigException e)
        {
            log.LogCritical("Invalid configuration, the node will not start: {Message}", e.Message);
            return ExitBadConfig;
        }

        var system = ActorSystem.Create(settings.Name, config, new ActorSystemSetup { LoggerFactory = loggerFactory });
        log.LogInformation("ActorStream node [{Name}] starting with configuration {Config}, data in {Data}", settings.Name, configPath ?? "(built-in defaults)", Path.GetFullPath(settings.DataDirectory));
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

        BrokerNode broker;
        KafkaListener listener;
        try
        {
            var placeholder = new BrokerInfo(settings.Broker.NodeId, "", 0);
            broker = await BrokerNode.StartAsync(system, settings.Broker, placeholder, settings.StartupTimeout);
            var context = new KafkaServerContext(broker, loggerFactory.CreateLogger("ActorStream.Kafka")) { AskTimeout = settings.RequestTimeout };
            listener = new KafkaListener(settings.Listener, new KafkaApis(context), loggerFactory.CreateLogger("ActorStream.Kafka.Listener"));
            listener.Start();
            var advertised = listener.AdvertisedEndPoint;
            context.Advertised = new BrokerInfo(broker.NodeId, advertised.Host, advertised.Port);
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stop-kafka-listener", async () =>
            {
                await listener.DisposeAsync();
                log.LogInformation("Kafka listener closed");
            });
            system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-broker", () => broker.StopAsync(settings.ShutdownTimeout));
            log.LogInformation("Kafka listener on {Bound}, advertised to clients as {Host}:{Port}", listener.LocalEndPoint, advertised.Host, advertised.Port);
            string ready = $"{ReadyLinePrefix}{listener.LocalEndPoint}";
            if (settings.Admin.Enabled)
            {
                var admin = await AdminServer.StartAsync(settings.Admin, broker, settings.RequestTimeout, context.Brokers, loggerFactory, CancellationToken.None);
                system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stop-admin-api", async () =>
                {
                    await admin.DisposeAsync();
                    log.LogInformation("Admin API closed");
                });
                string address = admin.Address.GetLeftPart(UriPartial.Authority);
                log.LogInformation("Admin API on {Address} (try {Address}/api/groups)", address, address);
                ready += $" admin={address}";
            }

            Console.Out.WriteLine(ready);
            Console.Out.Flush();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            log.LogCritical(e, "The node could not start: {Message}", e.Message);
            await system.Terminate();
            return ExitFailed;
        }

        log.LogInformation("Node [{Name}] is running; press Ctrl+C or send SIGTERM to stop", settings.Name);
        await system.WhenTerminated;
        log.LogInformation("Node [{Name}] stopped", settings.Name);
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

    private static NodeSettings ReadSettings(Config config)
    {
        string dataDirectory = config.GetString("actorstream.node.data-dir");
        if (dataDirectory.Length == 0)
            throw new ConfigException("actorstream.node.data-dir: expected a directory path, got an empty string", "actorstream.node.data-dir", null);
        return new NodeSettings(
            config.GetString("actorstream.node.name"),
            dataDirectory,
            config.GetDuration("actorstream.node.startup-timeout"),
            config.GetDuration("actorstream.node.shutdown-timeout"),
            BrokerSettings.FromConfig(config, dataDirectory),
            KafkaListenerOptions.FromConfig(config),
            config.GetDuration("actorstream.kafka.request-timeout"),
            AdminSettings.FromConfig(config));
    }

    private static bool TryParseArgs(string[] args, out string? configPath, out string error)
    {
        configPath = null;
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length:
                    configPath = args[++i];
                    break;
                default:
                    error = $"Unknown or incomplete argument '{args[i]}'";
                    return false;
            }
        }

        if (configPath is null && File.Exists(DefaultConfigPath))
            configPath = DefaultConfigPath;

        if (configPath is not null && !File.Exists(configPath))
        {
            error = $"Configuration file '{configPath}' does not exist";
            return false;
        }

        return true;
    }

    /// <summary>The shipped single-node configuration, when run from the repository root.</summary>
    public const string DefaultConfigPath = "hocon/actorstream.conf";
}
