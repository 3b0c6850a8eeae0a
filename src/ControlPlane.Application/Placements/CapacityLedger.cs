using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Placements;

/// <summary>
/// Row locks for quota and capacity, always taken in the same order — the tenant's quota rows (by resource name),
/// then the node pool — so that concurrent admissions and releases serialise without deadlocks.
/// </summary>
public sealed class CapacityLedger(IControlPlaneDb db, TimeProvider clock)
{
    public async Task<Dictionary<string, Quota>> LockQuotasAsync(Guid tenantId, IReadOnlyCollection<string> resources, CancellationToken cancellationToken)
    {
        var names = resources.Distinct().Order(StringComparer.Ordinal).ToArray();
        var rows = await db.Quotas.FromSql(
                $"SELECT q.*, q.xmin FROM quotas q WHERE q.tenant_id = {tenantId} AND q.resource = ANY({names}) ORDER BY q.resource FOR UPDATE")
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(q => q.Resource, StringComparer.Ordinal);
    }

    public async Task<NodePool> LockPoolAsync(Guid poolId, CancellationToken cancellationToken) =>
        await db.NodePools.FromSql($"SELECT p.*, p.xmin FROM node_pools p WHERE p.id = {poolId} FOR UPDATE")
            .FirstAsync(cancellationToken);

    /// <summary>Gives back what a placement held — its quota units, its placements slot and its pool capacity — once.</summary>
    public async Task ReleaseAsync(Placement placement, CancellationToken cancellationToken)
    {
        if (!placement.CapacityReleased())
        {
            return;
        }

        var now = clock.GetUtcNow();
        var quotas = await LockQuotasAsync(placement.TenantId, [QuotaResource.Placements, placement.GpuQuotaResource], cancellationToken);
        quotas.GetValueOrDefault(QuotaResource.Placements)?.Release(1, now);
        quotas.GetValueOrDefault(placement.GpuQuotaResource)?.Release(placement.ReservedUnits, now);
        var pool = await LockPoolAsync(placement.NodePoolId, cancellationToken);
        pool.Release(placement.MigProfile, placement.ReservedUnits, now);
    }
}
