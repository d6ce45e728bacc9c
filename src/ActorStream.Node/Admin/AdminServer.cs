using ActorStream.Actors;
using ActorStream.Broker;
using ActorStream.Broker.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorStream.Node.Admin;

/// <summary>
/// The admin HTTP API on Kestrel: started after the broker, stopped before it. Its logs go to the node's logger
/// factory; ASP.NET's per-request lines are left out (warnings and errors still show).
/// </summary>
public sealed class AdminServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the API listens (the bound port when the configured one was 0).</summary>
    public Uri Address { get; }

    public static async Task<AdminServer> StartAsync(
        AdminSettings settings, BrokerNode broker, TimeSpan askTimeout, Func<MetadataImage, IEnumerable<BrokerInfo>> brokers, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(AdminServer).Assembly.GetName().Name });
        builder.Logging.AddProvider(new NodeLoggerProvider(loggerFactory));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(settings.EndPoint);
            options.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Broker.Groups.GroupUnavailableException e)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new ErrorView(e.Message), context.RequestAborted).ConfigureAwait(false);
            }
            catch (AskTimeoutException e)
            {
                // A coordinator or the controller did not answer in time: say so instead of a bare 500.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new ErrorView($"The broker did not answer in time: {e.Message}"), context.RequestAborted).ConfigureAwait(false);
            }
        });
        new AdminApi(broker, askTimeout, brokers).Map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AdminServer(app, new Uri(bound));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // Hands ASP.NET's loggers out of the node's factory, so its lines look like every other line of the node.
    private sealed class NodeLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
            // the node owns the factory
        }
    }
}
