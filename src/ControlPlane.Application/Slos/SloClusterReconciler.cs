using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Slos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Application.Slos;

/// <summary>
/// The outbox requests SLOs queue for a placement: its PrometheusRules (one per SLO) and its traffic split (SLO
/// fallbacks). Both are level-based — rendered from what the database holds when the request runs — so a retried or
/// late request converges on the current state rather than replaying an old one.
/// </summary>
public sealed class SloClusterReconciler(IControlPlaneDb db, IClusterSloObjects objects, ClusterConnections connections,
    ILogger<SloClusterReconciler> logger)
{
    public async Task<ReconcileOutcome> ProcessAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var placement = await db.Placements.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.PlacementId, cancellationToken);
        if (placement is null)
        {
            return new ReconcileOutcome.Done();
        }

        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == placement.ClusterId, cancellationToken);
        var slos = await db.Slos.AsNoTracking().Where(s => s.TenantId == placement.TenantId && s.Placement == placement.Name)
            .OrderBy(s => s.Name).ToListAsync(cancellationToken);
        try
        {
            if (request.Action == ReconcileAction.SyncSloRules)
            {
                var rules = slos.Where(s => s.Indicator.Kind != SloIndicatorKind.Cost)
                    .Select(s => new SloRuleManifest(s.Tenant, s.Placement, s.Name, SloRules.For(s))).ToList();
                await objects.SyncPrometheusRulesAsync(connections.For(cluster), placement.Tenant, placement.Name, rules, cancellationToken);
            }
            else
            {
                var rollout = await db.Rollouts.AsNoTracking()
                    .FirstOrDefaultAsync(r => r.PlacementId == placement.Id && Domain.Rollouts.RolloutPhases.Active.Contains(r.Phase), cancellationToken);
                await objects.ApplyTrafficSplitAsync(connections.For(cluster), TrafficSplits.Of(placement, cluster, slos, rollout), cancellationToken);
            }

            return new ReconcileOutcome.Done();
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterRejectedException)
        {
            logger.LogWarning("Cluster {Cluster}: {Action} of {Tenant}/{Placement} failed: {Error}", cluster.Name, request.Action,
                placement.Tenant, placement.Name, ex.Message);
            return new ReconcileOutcome.RetryLater(ex.Message);
        }
    }
}
