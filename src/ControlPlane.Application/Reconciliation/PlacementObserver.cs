using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Application.Reconciliation;

/// <summary>
/// Reads back what the clusters report for applied placements — one LIST per cluster — and records what changed:
/// ready replicas and the phase (running, degraded, succeeded, failed), each transition with its time. A workload that
/// vanished from the cluster is applied again.
/// </summary>
public sealed class PlacementObserver(
    IControlPlaneDb db, IClusterGateway gateway, ClusterConnections connections, CapacityLedger ledger, TimeProvider clock,
    ILogger<PlacementObserver> logger)
{
    private static readonly PlacementPhase[] Observed = [PlacementPhase.Applying, PlacementPhase.Running, PlacementPhase.Degraded];

    /// <summary>Clusters with placements to observe.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> DueClustersAsync(CancellationToken cancellationToken) =>
        (await Candidates().Select(p => new { p.ClusterId, p.ClusterName }).Distinct().ToListAsync(cancellationToken))
        .Select(c => (c.ClusterId, c.ClusterName)).ToList();

    /// <summary>
    /// Lists the cluster's workloads once and returns the placements whose recorded state differs from it. A cluster
    /// that cannot be read throws (ClusterUnavailableException, ClusterRejectedException): the worker counts it and
    /// observes it again next pass.
    /// </summary>
    public async Task<IReadOnlyList<(Guid PlacementId, ObservedWorkload? Workload)>> ChangesInClusterAsync(Guid clusterId, CancellationToken cancellationToken)
    {
        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == clusterId, cancellationToken);
        var placements = await Candidates().Where(p => p.ClusterId == clusterId).ToListAsync(cancellationToken);
        var workloads = await gateway.ListWorkloadsAsync(connections.For(cluster), cancellationToken);

        return placements
            .Select(p => (p, Workload: workloads.GetValueOrDefault(new WorkloadKey(p.Tenant, p.Name, WorkloadKindOf(p)))))
            .Where(x => x.Workload is null || Next(x.p, x.Workload) != x.p.Phase || x.Workload.ReadyReplicas != x.p.ReadyReplicas)
            .Select(x => (x.p.Id, x.Workload))
            .ToList();
    }

    /// <summary>Records one placement's observed state (call in a scope of its own: a lost race leaves nothing tracked behind).</summary>
    public async Task RecordAsync(Guid placementId, ObservedWorkload? workload, CancellationToken cancellationToken)
    {
        var placement = await db.Placements.FirstOrDefaultAsync(p => p.Id == placementId, cancellationToken);
        if (placement is null || !Observed.Contains(placement.Phase))
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (workload is null)
        {
            // Someone deleted it in the cluster: converge back to what was admitted.
            db.ReconcileRequests.Add(ReconcileRequest.For(placement.Id, ReconcileAction.Apply, now));
            Record(placement.MoveTo(placement.Phase, now, "the workload was missing from the cluster; re-applying"));
        }
        else if (workload.Succeeded || workload.Failed)
        {
            await ledger.ReleaseAsync(placement, cancellationToken);
            Record(placement.MoveTo(workload.Succeeded ? PlacementPhase.Succeeded : PlacementPhase.Failed, now,
                workload.Message ?? (workload.Succeeded ? "the job completed" : "the job failed")));
        }
        else
        {
            placement.Observed(workload.ReadyReplicas, now);
            Record(placement.MoveTo(Next(placement, workload), now, $"{workload.ReadyReplicas} of {placement.DesiredReplicas} replicas ready"));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogDebug("Placement {Tenant}/{Placement} changed while being observed; the next pass sees it again", placement.Tenant, placement.Name);
        }
    }

    /// <summary>Placements the reconciler is not working on: those with a request still queued are its, observing them would race it.</summary>
    private IQueryable<Placement> Candidates() =>
        db.Placements.AsNoTracking().Where(p => Observed.Contains(p.Phase) && !db.ReconcileRequests.Any(r => r.PlacementId == p.Id));

    private static PlacementPhase Next(Placement placement, ObservedWorkload workload) =>
        workload.Succeeded ? PlacementPhase.Succeeded
        : workload.Failed ? PlacementPhase.Failed
        : (workload.ReadyReplicas >= placement.DesiredReplicas, placement.Phase) switch
        {
            (true, _) => PlacementPhase.Running,
            (false, PlacementPhase.Running or PlacementPhase.Degraded) => PlacementPhase.Degraded,
            _ => placement.Phase,
        };

    private static PlacementWorkloadKind WorkloadKindOf(Placement placement) =>
        placement.Kind == PlacementKind.Inference ? PlacementWorkloadKind.Deployment : PlacementWorkloadKind.Job;

    private void Record(PlacementTransition? transition)
    {
        if (transition is not null)
        {
            db.PlacementTransitions.Add(transition);
        }
    }
}
