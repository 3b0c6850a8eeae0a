using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Common;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;
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
    public async Task<ReconcileOutcome> ProcessAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var placement = await db.Placements.FirstOrDefaultAsync(p => p.Id == request.PlacementId, cancellationToken);
        if (placement is null)
        {
            return new ReconcileOutcome.Done();
        }

        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == placement.ClusterId, cancellationToken);
        var connection = connections.For(cluster);
        try
        {
            return request.Action == ReconcileAction.Apply
                ? await ApplyAsync(placement, connection, cancellationToken)
                : await DeleteAsync(placement, connection, cancellationToken);
        }
        catch (ClusterUnavailableException ex)
        {
            logger.LogWarning("Cluster {Cluster} unavailable for placement {Tenant}/{Placement}: {Error}", cluster.Name, placement.Tenant, placement.Name, ex.Message);
            return new ReconcileOutcome.RetryLater(ex.Message);
        }
    }

    private async Task<ReconcileOutcome> ApplyAsync(Placement placement, ClusterConnection connection, CancellationToken cancellationToken)
    {
        if (placement.Phase is PlacementPhase.Terminating or PlacementPhase.Terminated or PlacementPhase.Failed or PlacementPhase.Succeeded)
        {
            return new ReconcileOutcome.Done(); // superseded by a deletion or already finished
        }

        if (placement.MoveTo(PlacementPhase.Applying, clock.GetUtcNow(), "applying to the cluster") is { } applying)
        {
            db.PlacementTransitions.Add(applying);
            await db.SaveChangesAsync(cancellationToken);
        }

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == placement.TenantId, cancellationToken);
        var quotas = await db.Quotas.AsNoTracking().Where(q => q.TenantId == tenant.Id).ToListAsync(cancellationToken);
        var pool = await db.NodePools.AsNoTracking().FirstAsync(p => p.Id == placement.NodePoolId, cancellationToken);
        var baseline = ManifestBuilder.Baseline(tenant, quotas, options.Value);
        try
        {
            if (!baselines.IsCurrent(connection.Name, baseline))
            {
                await gateway.ApplyTenantBaselineAsync(connection, baseline, cancellationToken);
                baselines.Applied(connection.Name, baseline);
            }

            await gateway.ApplyPlacementAsync(connection, ManifestBuilder.For(placement, pool, options.Value.WorkloadTokenEndpoint), cancellationToken);
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
