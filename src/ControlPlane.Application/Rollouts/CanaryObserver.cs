using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Rollouts;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// Reads each active rollout's canary Deployment (&lt;placement&gt;-canary) out of the workloads the placement observer
/// listed from its cluster, and reports its ready replicas whenever they differ from the last report: what the system
/// metering bills the canary's GPU-seconds from. Reports are only appended (never updated), so replicas observing at
/// once cannot conflict: equal reports add nothing to the bill, and each holds from its own time. Unlike placements, a
/// canary is observed while the reconciler has requests queued for its placement — nothing here races the reconciler,
/// and a route that keeps failing to apply must not leave running GPUs unbilled.
/// </summary>
public sealed class CanaryObserver(IControlPlaneDb db, TimeProvider clock)
{
    /// <summary>Clusters running a canary (their placements may all be the reconciler's just now).</summary>
    public IQueryable<Guid> ClustersWithCanaries() =>
        db.Placements.Where(p => db.Rollouts.Any(r => r.PlacementId == p.Id && RolloutPhases.Active.Contains(r.Phase))).Select(p => p.ClusterId);

    /// <summary>New readiness reports of the canaries on the cluster: one per canary whose ready replicas changed (a missing canary has none).</summary>
    public async Task<IReadOnlyList<CanaryReadiness>> ChangesAsync(Guid clusterId, IReadOnlyDictionary<WorkloadKey, ObservedWorkload> workloads,
        CancellationToken cancellationToken)
    {
        var rollouts = await db.Rollouts.AsNoTracking()
            .Where(r => RolloutPhases.Active.Contains(r.Phase) && db.Placements.Any(p => p.Id == r.PlacementId && p.ClusterId == clusterId))
            .Select(r => new { r.Id, r.Tenant, r.Placement }).ToListAsync(cancellationToken);
        if (rollouts.Count == 0)
        {
            return [];
        }

        var ids = rollouts.Select(r => r.Id).ToList();
        var reported = (await db.CanaryReadiness.AsNoTracking().Where(c => ids.Contains(c.RolloutId)).ToListAsync(cancellationToken))
            .GroupBy(c => c.RolloutId)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.At).ThenBy(c => c.Id).Last().ReadyReplicas);
        var now = clock.GetUtcNow();
        return
        [
            .. rollouts
                .Select(r => (r.Id, Ready: workloads.GetValueOrDefault(new WorkloadKey(r.Tenant, Rollout.CanaryName(r.Placement), PlacementWorkloadKind.Deployment))
                    ?.ReadyReplicas ?? 0))
                .Where(r => r.Ready != reported.GetValueOrDefault(r.Id))
                .Select(r => CanaryReadiness.Of(r.Id, r.Ready, now)),
        ];
    }

    public async Task RecordAsync(IReadOnlyList<CanaryReadiness> reports, CancellationToken cancellationToken)
    {
        db.CanaryReadiness.AddRange(reports);
        await db.SaveChangesAsync(cancellationToken);
    }
}
