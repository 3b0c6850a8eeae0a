using ControlPlane.Application.Clusters;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Application.Rollouts;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Reconciliation;

/// <summary>
/// Reads placements' state back from the clusters: one LIST per cluster, one scope per changed placement. Each cluster
/// and each placement is a step of its own, so one unreachable cluster or one placement that cannot be saved does not
/// stop the others.
/// </summary>
internal sealed class PlacementObserverWorker(IServiceScopeFactory scopes, IOptions<ReconcilerOptions> options, TimeProvider clock,
    WorkerMetrics metrics, ILogger<PlacementObserverWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.ObserveInterval;

    protected override string Activity => "Placement observation";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<(Guid Id, string Name)> clusters;
        using (var scope = scopes.CreateScope())
        {
            clusters = await scope.ServiceProvider.GetRequiredService<PlacementObserver>().DueClustersAsync(cancellationToken);
        }

        foreach (var cluster in clusters)
        {
            ObservedChanges changes = new([], []);
            await RunStepAsync("observe", cluster.Name, async () =>
            {
                using var scope = scopes.CreateScope();
                changes = await scope.ServiceProvider.GetRequiredService<PlacementObserver>().ChangesInClusterAsync(cluster.Id, cancellationToken);
            }, cancellationToken);

            if (changes.Canaries.Count > 0)
            {
                await RunStepAsync("record-canaries", cluster.Name, async () =>
                {
                    using var scope = scopes.CreateScope();
                    await scope.ServiceProvider.GetRequiredService<CanaryObserver>().RecordAsync(changes.Canaries, cancellationToken);
                }, cancellationToken);
            }

            foreach (var (placementId, workload) in changes.Placements)
            {
                await RunStepAsync("record", cluster.Name, async () =>
                {
                    using var scope = scopes.CreateScope();
                    await scope.ServiceProvider.GetRequiredService<PlacementObserver>().RecordAsync(placementId, workload, cancellationToken);
                }, cancellationToken);
            }
        }
    }
}

/// <summary>Refreshes node-pool capacity from every cluster's Nodes periodically, each cluster on its own.</summary>
internal sealed class ClusterSyncWorker(IServiceScopeFactory scopes, IOptions<ClusterOptions> options, TimeProvider clock,
    WorkerMetrics metrics, ILogger<ClusterSyncWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.SyncInterval;

    protected override string Activity => "Cluster capacity sync";

    // Start-up is not delayed by every cluster's Nodes; POST /v1/clusters/{cluster}/sync syncs one at once.
    protected override bool WaitFirst => true;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<(Guid Id, string Name)> clusters;
        using (var scope = scopes.CreateScope())
        {
            clusters = await scope.ServiceProvider.GetRequiredService<ClusterCapacitySync>().ClustersAsync(cancellationToken);
        }

        foreach (var cluster in clusters)
        {
            await RunStepAsync("sync", cluster.Name, async () =>
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<ClusterCapacitySync>().SyncScheduledAsync(cluster.Id, cancellationToken);
            }, cancellationToken);
        }
    }
}
