using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Placements;

/// <summary>
/// The one routine every path that takes or gives back capacity goes through — admission, rescale, a rollout's canary
/// replicas, release: quota and pool capacity reserved by conditional updates in one round trip (quota rows first, by
/// resource name, then the pool: no deadlocks), then the money check under those locks when the tenant has money limits.
/// </summary>
public sealed class CapacityLedger(IControlPlaneDb db, ICapacityReservations reservations, SpendGuard spend, TimeProvider clock)
{
    /// <summary>
    /// Reserves <paramref name="units"/> more of <paramref name="placement"/>'s GPU resource on its own pool, with the
    /// checks of an admission (quota, pool capacity, budget and monthly quotas); throws 409 with the reason otherwise.
    /// The one routine behind growing a placement and a rollout's canary replicas.
    /// </summary>
    public async Task ReserveMoreAsync(Placement placement, string tenantName, int units, CancellationToken cancellationToken)
    {
        var limits = await spend.LimitsAsync(placement.TenantId, cancellationToken);
        var quote = limits.Any ? await spend.QuoteAsync(await PoolPriceAsync(placement.NodePoolId, cancellationToken), placement.MigProfile, cancellationToken) : null;
        var claim = new CapacityClaim(placement.TenantId, new Dictionary<string, long> { [placement.GpuQuotaResource] = units },
            placement.NodePoolId, placement.MigProfile, units);
        switch (await TakeAsync(claim, cancellationToken))
        {
            case ReservationOutcome.QuotaShort shortOf:
                var quota = shortOf.Quotas.GetValueOrDefault(placement.GpuQuotaResource);
                throw new ConflictException("quota-exceeded",
                    $"Quota {placement.GpuQuotaResource} has {Math.Max(0, (quota?.Limit ?? 0) - (quota?.Used ?? 0))} left; {units} more are needed.");
            case ReservationOutcome.PoolShort pool:
                throw new ConflictException("insufficient-capacity",
                    $"Node pool {placement.NodePoolName} has {Math.Max(0, pool.FreeUnits)} free units; {units} more are needed.");
        }

        if (quote is not null)
        {
            await spend.EnsureAffordableAsync(placement.TenantId, tenantName, limits, quote, units, cancellationToken);
        }
    }

    /// <summary>Gives back <paramref name="units"/> of <paramref name="placement"/>'s GPU resource and pool capacity (shrinking, a canary's end).</summary>
    public Task ReleaseSomeAsync(Placement placement, int units, CancellationToken cancellationToken) =>
        reservations.GiveBackAsync(new CapacityClaim(placement.TenantId, new Dictionary<string, long> { [placement.GpuQuotaResource] = units },
            placement.NodePoolId, placement.MigProfile, units), clock.GetUtcNow(), cancellationToken);

    /// <summary>Gives back what a placement held — its quota units, its placements slot and its pool capacity — once.</summary>
    public async Task ReleaseAsync(Placement placement, CancellationToken cancellationToken)
    {
        if (!placement.CapacityReleased())
        {
            return;
        }

        await reservations.GiveBackAsync(AdmissionClaim(placement.TenantId, placement.GpuQuotaResource, placement.NodePoolId, placement.MigProfile,
            placement.ReservedUnits), clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>What admitting a placement takes: one placements slot, its GPU units of quota, and the same units of the pool.</summary>
    public static CapacityClaim AdmissionClaim(Guid tenantId, string gpuResource, Guid poolId, string? migProfile, long units) =>
        new(tenantId, new Dictionary<string, long> { [QuotaResource.Placements] = 1, [gpuResource] = units }, poolId, migProfile, units);

    /// <summary>Takes all of <paramref name="claim"/> or nothing.</summary>
    public Task<ReservationOutcome> TakeAsync(CapacityClaim claim, CancellationToken cancellationToken) =>
        reservations.TryTakeAsync(claim, clock.GetUtcNow(), cancellationToken);

    private async Task<PoolPrice> PoolPriceAsync(Guid poolId, CancellationToken cancellationToken) =>
        await db.NodePools.AsNoTracking().Where(p => p.Id == poolId)
            .Select(p => new PoolPrice(p.GpuModel, p.CapacityType, p.PricePerGpuHour)).FirstAsync(cancellationToken);
}
