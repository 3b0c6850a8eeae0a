using ControlPlane.Application.Clusters;
using ControlPlane.Application.Reconciliation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Reconciliation;

/// <summary>Reads placements' state back from the clusters: one LIST per cluster, one scope per changed placement.</summary>
internal sealed class PlacementObserverWorker(IServiceScopeFactory scopes, IOptions<ReconcilerOptions> options, TimeProvider clock,
    ILogger<PlacementObserverWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<Guid> clusters;
                using (var scope = scopes.CreateScope())
                {
                    clusters = await scope.ServiceProvider.GetRequiredService<PlacementObserver>().DueClustersAsync(stoppingToken);
                }

                foreach (var cluster in clusters)
                {
                    IReadOnlyList<(Guid PlacementId, ObservedWorkload? Workload)> changes;
                    using (var scope = scopes.CreateScope())
                    {
                        changes = await scope.ServiceProvider.GetRequiredService<PlacementObserver>().ChangesInClusterAsync(cluster, stoppingToken);
                    }

                    foreach (var (placementId, workload) in changes)
                    {
                        using var scope = scopes.CreateScope();
                        await scope.ServiceProvider.GetRequiredService<PlacementObserver>().RecordAsync(placementId, workload, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Placement observation failed; retrying");
            }

            await Task.Delay(options.Value.ObserveInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

/// <summary>Refreshes node-pool capacity from every cluster's Nodes periodically.</summary>
internal sealed class ClusterSyncWorker(IServiceScopeFactory scopes, IOptions<ClusterOptions> options, TimeProvider clock,
    ILogger<ClusterSyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.SyncInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<ClusterCapacitySync>().SyncAllAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Cluster capacity sync failed; retrying");
            }
        }
    }
}
