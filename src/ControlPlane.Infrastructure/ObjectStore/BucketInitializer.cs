using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Infrastructure.ObjectStore;

/// <summary>
/// Creates the artifact bucket at startup when missing (development, tests). An unreachable store does not stop the
/// host: the readiness check reports it, and the store may come up later.
/// </summary>
internal sealed class BucketInitializer(S3ArtifactStore store, ILogger<BucketInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await store.EnsureBucketAsync(cancellationToken))
            {
                logger.LogInformation("Created object store bucket {Bucket}", store.Bucket);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not ensure object store bucket {Bucket}; continuing (readiness reports it)", store.Bucket);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
