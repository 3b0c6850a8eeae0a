using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Application.Reconciliation;

/// <summary>
/// Reads back what the clusters report for applied placements and records it: ready replicas and the phase
/// (running, degraded, succeeded, failed), each transition with its time. A workload that vanished is applied again.
/// </summary>
public sealed class PlacementObserver(
    IControlPlaneDb db, IClusterGateway gateway, ClusterConnections connections, CapacityLedger ledger, TimeProvider clock,
    ILogger<PlacementObserver> logger)
{
    private static readonly PlacementPhase[] Observed = [PlacementPhase.Applying, PlacementPhase.Running, PlacementPhase.Degraded];

    /// <summary>Placements to observe. Those with a request still queued are the reconciler's: observing them now would race it.</summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(CancellationToken cancellationToken) =>
        await db.Placements.AsNoTracking()
            .Where(p => Observed.Contains(p.Phase) && !db.ReconcileRequests.Any(r => r.PlacementId == p.Id))
            .OrderBy(p => p.UpdatedAt).Select(p => p.Id).Take(1000).ToListAsync(cancellationToken);

    /// <summary>Observes one placement (call in a scope of its own: a failure leaves nothing tracked behind).</summary>
    public async Task ObserveAsync(Guid placementId, CancellationToken cancellationToken)
    {
        var placement = await db.Placements.FirstOrDefaultAsync(p => p.Id == placementId, cancellationToken);
        if (placement is null || !Observed.Contains(placement.Phase))
        {
            return;
        }

        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == placement.ClusterId, cancellationToken);
        try
        {
            await ObserveAsync(placement, connections.For(cluster), cancellationToken);
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterRejectedException or DbUpdateConcurrencyException)
        {
            logger.LogDebug("Could not observe placement {Tenant}/{Placement}: {Error}", placement.Tenant, placement.Name, ex.Message);
        }
    }

    private async Task ObserveAsync(Placement placement, ClusterConnection connection, CancellationToken cancellationToken)
    {
        var isJob = placement.Kind != PlacementKind.Inference;
        var observed = await gateway.ObservePlacementAsync(connection, placement.Tenant, placement.Name,
            isJob ? PlacementWorkloadKind.Job : PlacementWorkloadKind.Deployment, cancellationToken);
        var now = clock.GetUtcNow();
        if (!observed.Exists)
        {
            // Someone deleted it in the cluster: converge back to what was admitted.
            db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Apply, now));
            Record(placement.MoveTo(placement.Phase, now, "the workload was missing from the cluster; re-applying"));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (isJob && (observed.Succeeded || observed.Failed))
        {
            await ledger.ReleaseAsync(placement, cancellationToken);
            Record(placement.MoveTo(observed.Succeeded ? PlacementPhase.Succeeded : PlacementPhase.Failed, now,
                observed.Message ?? (observed.Succeeded ? "the job completed" : "the job failed")));
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var next = (observed.ReadyReplicas >= placement.DesiredReplicas, placement.Phase) switch
        {
            (true, _) => PlacementPhase.Running,
            (false, PlacementPhase.Running or PlacementPhase.Degraded) => PlacementPhase.Degraded,
            _ => placement.Phase,
        };
        var changed = placement.ReadyReplicas != observed.ReadyReplicas || next != placement.Phase;
        if (changed)
        {
            placement.Observed(observed.ReadyReplicas, now);
            Record(placement.MoveTo(next, now, $"{observed.ReadyReplicas} of {placement.DesiredReplicas} replicas ready"));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private void Record(PlacementTransition? transition)
    {
        if (transition is not null)
        {
            db.PlacementTransitions.Add(transition);
        }
    }
}
