using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>One Kestrel listener over the shared <see cref="EmulatorState"/>; replaced, not restarted, to resume listening.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="port">0 for a free port, or the port of a previous host to resume on it.</param>
    public static async Task<EmulatorHost> StartAsync(EmulatorState state, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{state.ListenAddress}:{port}");
        // Open watch streams end on shutdown through ApplicationStopping; nothing else needs the default 30 s grace.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var app = builder.Build();
        var stopping = app.Lifetime.ApplicationStopping;
        var router = new ApiRouter(
            new ResourceReads(state.Store),
            new ResourceWrites(state.Store),
            new WatchStream(state.Store, stopping),
            new TokenReviewEndpoint(state.Tokens),
            state.TokenIssuer);
        RequestPipeline.Use(app, state);
        app.Run(router.HandleAsync);

        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new EmulatorHost(app, new Uri(bound));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
