using ControlPlane.Application.Clusters;
using ControlPlane.Application.Reconciliation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Reconciliation;

/// <summary>Reads placements' state back from the clusters, one scope per placement.</summary>
internal sealed class PlacementObserverWorker(IServiceScopeFactory scopes, IOptions<ReconcilerOptions> options, TimeProvider clock,
    ILogger<PlacementObserverWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<Guid> due;
                using (var scope = scopes.CreateScope())
                {
                    due = await scope.ServiceProvider.GetRequiredService<PlacementObserver>().DueAsync(stoppingToken);
                }

                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = stoppingToken },
                    async (id, token) =>
                    {
                        using var scope = scopes.CreateScope();
                        await scope.ServiceProvider.GetRequiredService<PlacementObserver>().ObserveAsync(id, token);
                    });
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
