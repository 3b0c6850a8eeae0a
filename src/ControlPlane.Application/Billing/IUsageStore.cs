using ControlPlane.Domain.Billing;

namespace ControlPlane.Application.Billing;

/// <summary>One usage event as validated, ready to be stored.</summary>
public sealed record UsageRecord(
    Guid TenantId, string Source, string Id, string Meter, string Subject, DateTimeOffset Time, decimal Quantity,
    IReadOnlyDictionary<string, string> Dimensions);

/// <summary>
/// The append-only usage table and its hourly rollup. Writes run in the caller's transaction; a tenant's usage is
/// shared-locked while written and exclusively locked while a month of it is closed, so nothing lands in a month
/// while it is being closed.
/// </summary>
public interface IUsageStore
{
    /// <summary>Stores the events not stored before (by tenant, source, id) and adds them to the rollup; returns how many were new.</summary>
    Task<int> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Usage per (tenant, meter, dimensions, subject, hour) in [from, to): from the rollup, or recomputed from the raw events.</summary>
    Task<IReadOnlyList<UsageAggregate>> AggregatesAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to, bool fromRawEvents,
        CancellationToken cancellationToken);

    /// <summary>The months (first instants) before <paramref name="before"/> in which tenants have usage.</summary>
    Task<IReadOnlyList<(Guid TenantId, DateTimeOffset Month)>> MonthsWithUsageAsync(Guid? tenantId, DateTimeOffset before,
        CancellationToken cancellationToken);

    /// <summary>Takes the tenants' usage locks until the transaction ends (shared for writers, exclusive for closing).</summary>
    Task LockTenantsAsync(IEnumerable<Guid> tenantIds, bool exclusive, CancellationToken cancellationToken);

    /// <summary>
    /// Locks the watermark row of a meter of a tenant until the transaction ends, waiting while another replica holds
    /// it: every minute before the returned time is accrued. A meter never accrued starts where <paramref name="initial"/> says.
    /// </summary>
    Task<DateTimeOffset> LockWatermarkAsync(string meter, Guid tenantId, Func<Task<DateTimeOffset>> initial, CancellationToken cancellationToken);

    Task AdvanceWatermarkAsync(string meter, Guid tenantId, DateTimeOffset upTo, CancellationToken cancellationToken);

    /// <summary>Per meter, the watermark of its furthest-behind tenant, without locking (for the lag metric).</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> WatermarksAsync(CancellationToken cancellationToken);
}
