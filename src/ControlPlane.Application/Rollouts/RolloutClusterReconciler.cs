using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Rollouts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// Makes the cluster match a placement's rollout as recorded: while one is active, the canary Deployment and Service are
/// applied first and then the route's weights (or mirror); once it ended, the route returns to the stable variant first and
/// then the canary is deleted. Level-based — rendered from the database when the request runs — so a retried, late or
/// duplicated request converges on the current step, and a Kubernetes failure is retried until it does.
/// </summary>
public sealed class RolloutClusterReconciler(IControlPlaneDb db, IClusterGateway gateway, IClusterSloObjects objects, ClusterConnections connections,
    IOptions<ReconcilerOptions> options, ILogger<RolloutClusterReconciler> logger)
{
    public async Task<ReconcileOutcome> ProcessAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var placement = await db.Placements.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.PlacementId, cancellationToken);
        if (placement is null)
        {
            return new ReconcileOutcome.Done();
        }

        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == placement.ClusterId, cancellationToken);
        var connection = connections.For(cluster);
        var rollout = await db.Rollouts.AsNoTracking()
            .FirstOrDefaultAsync(r => r.PlacementId == placement.Id && RolloutPhases.Active.Contains(r.Phase), cancellationToken);
        var slos = await db.Slos.AsNoTracking().Where(s => s.TenantId == placement.TenantId && s.Placement == placement.Name).ToListAsync(cancellationToken);
        var split = TrafficSplits.Of(placement, cluster, slos, rollout);
        try
        {
            if (rollout is not null && split.Backends.Count > 0)
            {
                var pool = await db.NodePools.AsNoTracking().FirstAsync(p => p.Id == placement.NodePoolId, cancellationToken);
                await gateway.ApplyPlacementAsync(connection, ManifestBuilder.Canary(placement, pool, rollout, options.Value.WorkloadTokenEndpoint), cancellationToken);
                await objects.ApplyTrafficSplitAsync(connection, split, cancellationToken);
                return new ReconcileOutcome.Done();
            }

            await objects.ApplyTrafficSplitAsync(connection, split, cancellationToken);
            return await gateway.DeletePlacementAsync(connection, placement.Tenant, Rollout.CanaryName(placement.Name), PlacementWorkloadKind.Deployment, cancellationToken)
                ? new ReconcileOutcome.Done()
                : new ReconcileOutcome.RetryLater("the cluster still reports the canary's objects");
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterRejectedException)
        {
            logger.LogWarning("Cluster {Cluster}: the rollout of {Tenant}/{Placement} failed to apply: {Error}", cluster.Name, placement.Tenant,
                placement.Name, ex.Message);
            return new ReconcileOutcome.RetryLater(ex.Message);
        }
    }
}
