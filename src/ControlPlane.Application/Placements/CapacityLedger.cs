using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Placements;

/// <summary>
/// Row locks for quota and capacity, always taken in the same order — the tenant's quota rows (by resource name),
/// then the node pool — so that concurrent admissions and releases serialise without deadlocks.
/// </summary>
public sealed class CapacityLedger(IControlPlaneDb db, SpendGuard spend, TimeProvider clock)
{
    /// <summary>
    /// Reserves <paramref name="units"/> more of <paramref name="placement"/>'s GPU resource on its own pool, with the
    /// checks of an admission (quota, pool capacity, budget and monthly quotas) under the same locks in the same order;
    /// throws 409 with the reason otherwise. The one routine behind growing a placement and a rollout's canary replicas.
    /// </summary>
    public async Task ReserveMoreAsync(Placement placement, string tenantName, int units, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var quotas = await LockQuotasAsync(placement.TenantId, [placement.GpuQuotaResource, .. SpendGuard.MonthlyQuotas], cancellationToken);
        var pool = await LockPoolAsync(placement.NodePoolId, cancellationToken);
        var quota = quotas.GetValueOrDefault(placement.GpuQuotaResource);
        if (quota is null || !quota.CanReserve(units))
        {
            throw new ConflictException("quota-exceeded",
                $"Quota {placement.GpuQuotaResource} has {quota?.Remaining ?? 0} left; {units} more are needed.");
        }

        if (pool.FreeUnits(placement.MigProfile) < units)
        {
            throw new ConflictException("insufficient-capacity",
                $"Node pool {pool.Name} has {pool.FreeUnits(placement.MigProfile)} free units; {units} more are needed.");
        }

        await spend.EnsureAffordableAsync(placement.TenantId, tenantName, quotas, pool, placement.MigProfile, units, cancellationToken);
        quota.Reserve(units, now);
        pool.Reserve(placement.MigProfile, units, now);
    }

    /// <summary>Gives back <paramref name="units"/> of <paramref name="placement"/>'s GPU resource and pool capacity (shrinking, a canary's end).</summary>
    public async Task ReleaseSomeAsync(Placement placement, int units, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var quotas = await LockQuotasAsync(placement.TenantId, [placement.GpuQuotaResource], cancellationToken);
        quotas.GetValueOrDefault(placement.GpuQuotaResource)?.Release(units, now);
        var pool = await LockPoolAsync(placement.NodePoolId, cancellationToken);
        pool.Release(placement.MigProfile, units, now);
    }

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
