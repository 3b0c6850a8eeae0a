using ControlPlane.Domain.Tenants;
namespace ControlPlane.Domain.Scheduling;

/// <summary>
/// One placement to decide: who asks, for what, and under which constraints.
/// </summary>
public sealed record SchedulingRequest
{
    /// <summary>Tenant name, compared ordinally with pools' and clusters' dedicated tenants.</summary>
    public required string Tenant
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>The tenant's isolation tier.</summary>
    public required IsolationTier Tier { get; init; }

    /// <summary>The workload kind.</summary>
    public required PlacementKind Kind { get; init; }

    /// <summary>Accelerators per replica.</summary>
    public required GpuRequest Gpu
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    }

    /// <summary>Replicas to place, all in the same pool (at least 1).</summary>
    public int Replicas
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 1;

    /// <summary>True when the workload tolerates being reclaimed; only then may spot pools take it.</summary>
    public bool Interruptible { get; init; }

    /// <summary>Regions the request may run in; empty means the tenant's <see cref="TenantAllowedRegions"/>.</summary>
    public IReadOnlyList<string> AllowedRegions
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = [];

    /// <summary>
    /// Regions the tenant may run in at all; empty means any. When the request lists regions too,
    /// a cluster's region must be in both lists.
    /// </summary>
    public IReadOnlyList<string> TenantAllowedRegions
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = [];

    /// <summary>GPUs or MIG slices needed over all replicas.</summary>
    /// <summary>
    /// A stable key of the placement (e.g. tenant/name). Pools equal on price and packing are ordered by a hash of it
    /// and of the pool, so concurrent admissions spread over equals instead of all contending for the first one; the
    /// same placement always gets the same order. Without it, equals stay in fleet (name) order.
    /// </summary>
    public string? TieBreaker { get; init; }

    public long TotalUnits => (long)Gpu.UnitsPerReplica * Replicas;
}
