using System.Net.Sockets;
using ControlPlane.Application.Models;
using ControlPlane.Infrastructure.ObjectStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ControlPlane.IntegrationTests.ObjectStore;

/// <summary>AddObjectStore as the host uses it: options validation, bucket creation at startup, readiness.</summary>
public sealed class ObjectStoreRegistrationTests
{
    private static int s_bucketCounter;

    [Fact]
    public async Task Startup_creates_a_missing_bucket_and_readiness_reports_healthy()
    {
        var endpoint = await S3Server.StartAsync();
        var bucketName = $"t{Environment.ProcessId}-startup-{Interlocked.Increment(ref s_bucketCounter)}";
        await using var services = Build(new()
        {
            ["ObjectStore:ServiceUrl"] = endpoint.ServiceUrl,
            ["ObjectStore:AccessKey"] = endpoint.AccessKey,
            ["ObjectStore:SecretKey"] = endpoint.SecretKey,
            ["ObjectStore:Bucket"] = bucketName,
        });
        Assert.False(await services.GetRequiredService<IArtifactStore>().IsReachableAsync(CancellationToken.None));

        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var report = await ReadinessAsync(services);
        Assert.Equal(HealthStatus.Healthy, report.Entries["object-store"].Status);
    }

    [Fact]
    public async Task Unreachable_store_does_not_stop_startup_and_readiness_reports_unhealthy()
    {
        await using var services = Build(new()
        {
            ["ObjectStore:ServiceUrl"] = $"http://127.0.0.1:{DeadPort()}",
            ["ObjectStore:AccessKey"] = "S3RVER",
            ["ObjectStore:SecretKey"] = "S3RVER",
        });

        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var store = services.GetRequiredService<IArtifactStore>();
        Assert.False(await store.IsReachableAsync(CancellationToken.None));
        var report = await ReadinessAsync(services);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["object-store"].Status);
        // A finalize meeting the outage fails as the store's outage (the API answers 503 with Retry-After), not as a bug.
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.InspectAsync("tenants/t/blobs/sha256/ab", CancellationToken.None));
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.ListPartsAsync("tenants/t/blobs/sha256/ab", "upload", CancellationToken.None));
    }

    [Theory]
    [InlineData("ObjectStore:ServiceUrl", "ftp://127.0.0.1:21", "ServiceUrl")]
    [InlineData("ObjectStore:ServiceUrl", "not a url", "ServiceUrl")]
    [InlineData("ObjectStore:Bucket", "Models_Upper", "Bucket")]
    [InlineData("ObjectStore:Bucket", "192.168.1.1", "Bucket")]
    [InlineData("ObjectStore:AccessKey", "only-the-access-key", "SecretKey")]
    [InlineData("ObjectStore:MaxArtifactBytes", "0", "MaxArtifactBytes")]
    [InlineData("ObjectStore:MaxArtifactBytes", "1000000000000001", "1 PB")]
    public async Task Invalid_settings_are_rejected_with_the_setting_named(string setting, string value, string named)
    {
        await using var services = Build(new() { [setting] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_are_valid_and_match_the_documented_values()
    {
        await using var services = Build([]);

        var options = services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value;
        Assert.Equal(("models", "us-east-1", true, 200L << 30), (options.Bucket, options.Region, options.ForcePathStyle, options.MaxArtifactBytes));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddObjectStore(configuration).BuildServiceProvider();
    }

    private static Task<HealthReport> ReadinessAsync(ServiceProvider services) =>
        services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));

    // A port that was free a moment ago: nothing listens on it, so connections are refused at once.
    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
