using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Placements;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Rollouts;

/// <summary>
/// Reads each live placement's latest rollout and publishes its phase (controlplane_rollout_phase): the latest one only,
/// so the series stay bounded by the placements and a finished rollout's outcome stays visible until the next starts;
/// a deleted placement's rollout is no longer reported.
/// </summary>
public sealed class RolloutPhaseExport(IControlPlaneDb db, RolloutMetrics metrics)
{
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var latest = await db.Rollouts.AsNoTracking()
            .Where(r => !db.Rollouts.Any(o => o.TenantId == r.TenantId && o.Placement == r.Placement && o.Number > r.Number)
                && db.Placements.Any(p => p.Id == r.PlacementId && !PlacementPhases.Finished.Contains(p.Phase)))
            .Select(r => new { r.Tenant, r.Placement, r.Number, r.Phase })
            .ToListAsync(cancellationToken);
        metrics.PublishPhases([.. latest.Select(r => new RolloutPhaseSnapshot(r.Tenant, r.Placement, r.Number.ToString(CultureInfo.InvariantCulture), r.Phase))]);
    }
}
