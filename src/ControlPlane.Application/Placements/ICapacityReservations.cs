namespace ControlPlane.Application.Placements;

/// <summary>
/// What one reservation takes or gives back: amounts of the tenant's quotas (by resource) and units of one pool's GPUs
/// (or of one MIG profile's slices when <paramref name="MigProfile"/> is set).
/// </summary>
public sealed record CapacityClaim(Guid TenantId, IReadOnlyDictionary<string, long> Quotas, Guid PoolId, string? MigProfile, long PoolUnits);

/// <summary>A quota row as the reservation found it under its lock.</summary>
public sealed record QuotaUse(long Limit, long Used);

/// <summary>The result of a conditional reservation: everything was taken, or nothing was.</summary>
public abstract record ReservationOutcome
{
    public sealed record Taken : ReservationOutcome;

    /// <summary>A quota lacked room (or does not exist): the rows asked for as found, a missing resource meaning no quota.</summary>
    public sealed record QuotaShort(IReadOnlyDictionary<string, QuotaUse> Quotas) : ReservationOutcome;

    /// <summary>The pool lacked free units (or no longer exists): what it had free.</summary>
    public sealed record PoolShort(long FreeUnits) : ReservationOutcome;
}

/// <summary>
/// Quota and pool capacity, taken and given back with conditional updates in one round trip, always locking the quota
/// rows first (by resource name) and the pool second, so concurrent admissions, rescales and releases never deadlock
/// and never overcommit.
/// </summary>
public interface ICapacityReservations
{
    /// <summary>Takes every amount of <paramref name="claim"/>, only if each stays within its limit; otherwise takes nothing.</summary>
    Task<ReservationOutcome> TryTakeAsync(CapacityClaim claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives back the amounts of <paramref name="claim"/> (never below zero).</summary>
    Task GiveBackAsync(CapacityClaim claim, DateTimeOffset now, CancellationToken cancellationToken);
}
