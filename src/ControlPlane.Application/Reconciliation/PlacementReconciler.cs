using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Reconciliation;

/// <summary>
/// Makes the cluster match one placement: server-side applies its tenant baseline and workload, or deletes it and
/// then gives back its capacity. Transient cluster errors ask for a retry; a refusal that can never succeed fails
/// the placement with the cluster's reason.
/// </summary>
public sealed class PlacementReconciler(
    IControlPlaneDb db, IClusterGateway gateway, ClusterConnections connections, CapacityLedger ledger, BaselineCache baselines,
    IOptions<ReconcilerOptions> options, TimeProvider clock, ILogger<PlacementReconciler> logger)
{
    /// <summary>The placement and what applying it needs, read in one statement (all tracked; only the placement changes).</summary>
    private sealed record Target(Placement Placement, Cluster Cluster, NodePool Pool, Tenant Tenant, List<Quota> Quotas);

    public async Task<ReconcileOutcome> ProcessAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var target = await db.Placements.Where(p => p.Id == request.PlacementId).Select(p => new Target(
                p,
                db.Clusters.First(c => c.Id == p.ClusterId),
                db.NodePools.First(n => n.Id == p.NodePoolId),
                db.Tenants.First(t => t.Id == p.TenantId),
                db.Quotas.Where(q => q.TenantId == p.TenantId).ToList()))
            .FirstOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return new ReconcileOutcome.Done();
        }

        var (placement, cluster) = (target.Placement, target.Cluster);
        var connection = connections.For(cluster);
        try
        {
            return request.Action == ReconcileAction.Apply
                ? await ApplyAsync(target, connection, cancellationToken)
                : await DeleteAsync(placement, connection, cancellationToken);
        }
        catch (ClusterUnavailableException ex)
        {
            logger.LogWarning("Cluster {Cluster} unavailable for placement {Tenant}/{Placement}: {Error}", cluster.Name, placement.Tenant, placement.Name, ex.Message);
            return new ReconcileOutcome.RetryLater(ex.Message);
        }
    }

    private async Task<ReconcileOutcome> ApplyAsync(Target target, ClusterConnection connection, CancellationToken cancellationToken)
    {
        var placement = target.Placement;
        if (placement.Phase is PlacementPhase.Terminating or PlacementPhase.Terminated or PlacementPhase.Failed or PlacementPhase.Succeeded)
        {
            return new ReconcileOutcome.Done(); // superseded by a deletion or already finished
        }

        if (placement.MoveTo(PlacementPhase.Applying, clock.GetUtcNow(), "applying to the cluster") is { } applying)
        {
            db.PlacementTransitions.Add(applying);
            await db.SaveChangesAsync(cancellationToken);
        }

        var baseline = ManifestBuilder.Baseline(target.Tenant, target.Quotas, options.Value);
        try
        {
            if (!baselines.IsCurrent(connection.Name, baseline))
            {
                await gateway.ApplyTenantBaselineAsync(connection, baseline, cancellationToken);
                baselines.Applied(connection.Name, baseline);
            }

            await gateway.ApplyPlacementAsync(connection, ManifestBuilder.For(placement, target.Pool, options.Value.WorkloadTokenEndpoint), cancellationToken);
            return new ReconcileOutcome.Done();
        }
        catch (ClusterRejectedException ex)
        {
            await FinishAsync(placement, PlacementPhase.Failed, "the cluster refused the placement: " + ex.Message, cancellationToken);
            return new ReconcileOutcome.Done();
        }
    }

    private async Task<ReconcileOutcome> DeleteAsync(Placement placement, ClusterConnection connection, CancellationToken cancellationToken)
    {
        var kind = placement.Kind == PlacementKind.Inference ? PlacementWorkloadKind.Deployment : PlacementWorkloadKind.Job;
        try
        {
            if (!await gateway.DeletePlacementAsync(connection, placement.Tenant, placement.Name, kind, cancellationToken))
            {
                return new ReconcileOutcome.RetryLater("the cluster still reports the placement's objects");
            }
        }
        catch (ClusterRejectedException ex)
        {
            return new ReconcileOutcome.RetryLater("the cluster refused the deletion: " + ex.Message);
        }

        await FinishAsync(placement, PlacementPhase.Terminated, "the cluster confirmed removal", cancellationToken);
        return new ReconcileOutcome.Done();
    }

    /// <summary>Moves to a terminal phase and releases capacity and quota, in one transaction.</summary>
    internal async Task FinishAsync(Placement placement, PlacementPhase phase, string message, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            await ledger.ReleaseAsync(placement, cancellationToken);
            if (placement.MoveTo(phase, clock.GetUtcNow(), message) is { } transition)
            {
                db.PlacementTransitions.Add(transition);
            }

            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
}
