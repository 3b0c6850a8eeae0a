using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Models;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Billing;

/// <summary>
/// Usage the platform measures itself: GPU-seconds of running placements (from their phase transitions) and of rollouts'
/// canaries (from their readiness reports), and byte-hours of ready model versions (distinct bytes: see
/// <see cref="StorageAttribution"/>), per minute. Each meter of each tenant has a watermark row: a replica locks it
/// (waiting while another replica's step holds it, so concurrent workers agree on the total whatever their order),
/// accrues the whole minutes after it and moves it, in one transaction with the events. The events carry deterministic
/// ids and go through the idempotent ingestion path, so a crash between the two can never count a minute twice, and a
/// restart resumes at the watermark without a gap. Tenants are accrued one by one (the metering worker isolates them):
/// a tenant whose accrual fails stays behind, retried every pass, without holding back the others.
/// </summary>
public sealed class SystemMetering(IControlPlaneDb db, IUsageStore store, UsageIngestion ingestion, BillingMetrics metrics)
{
    public const string Source = "controlplane/metering";

    /// <summary>The most minutes accrued in one transaction (a replica that was down catches up in steps).</summary>
    private static readonly TimeSpan MaxStep = TimeSpan.FromHours(1);

    private static readonly string[] SystemMeters = [Meters.GpuSeconds, Meters.StorageByteHours];

    /// <summary>
    /// How long a minute is left to settle before it is accrued: a phase transition is stamped before its transaction
    /// commits, and a minute must not be accrued before every transition inside it is visible.
    /// </summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(30);

    /// <summary>Every tenant, in a stable order (each is accrued on its own).</summary>
    public async Task<IReadOnlyList<Guid>> TenantsAsync(CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(cancellationToken);

    /// <summary>
    /// Accrues every system meter of one tenant up to the whole minute before <paramref name="now"/> − <see cref="SettleDelay"/>;
    /// returns the events stored.
    /// </summary>
    public async Task<int> AccrueAsync(Guid tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var upTo = Accrual.FloorToMinute(now - SettleDelay);
        var stored = 0;
        foreach (var meter in SystemMeters)
        {
            while (await db.InTransactionAsync(() => AccrueStepAsync(tenantId, meter, upTo, cancellationToken), cancellationToken) is { } step)
            {
                stored += step;
            }
        }

        return stored;
    }

    /// <summary>
    /// Every replica reports where accrual stands (each meter's furthest-behind tenant), not only the one that accrued,
    /// so the lag metric and its alert see a stalled metering even when the replica that should accrue is stuck.
    /// </summary>
    public async Task ReportWatermarksAsync(CancellationToken cancellationToken) =>
        metrics.Watermarks(await store.WatermarksAsync(cancellationToken));

    /// <summary>One step of one meter of one tenant; null when it is accrued up to <paramref name="upTo"/>.</summary>
    private async Task<int?> AccrueStepAsync(Guid tenantId, string meter, DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        var start = await store.LockWatermarkAsync(meter, tenantId, () => InitialWatermarkAsync(tenantId, meter, upTo, cancellationToken),
            cancellationToken);
        if (start >= upTo)
        {
            return null;
        }

        var end = upTo - start > MaxStep ? start + MaxStep : upTo;
        var records = meter == Meters.GpuSeconds
            ? await GpuSecondsAsync(tenantId, start, end, cancellationToken)
            : await StorageByteHoursAsync(tenantId, start, end, cancellationToken);
        var stored = await ingestion.StoreSystemUsageAsync(records, cancellationToken);
        await store.AdvanceWatermarkAsync(meter, tenantId, end, cancellationToken);
        return stored;
    }

    /// <summary>A meter never accrued for a tenant starts at the first minute anything of the tenant was billable.</summary>
    private async Task<DateTimeOffset> InitialWatermarkAsync(Guid tenantId, string meter, DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        DateTimeOffset? first = meter == Meters.GpuSeconds
            ? Earliest(
                await db.PlacementTransitions
                    .Where(t => (t.Phase == PlacementPhase.Running || t.Phase == PlacementPhase.Degraded)
                        && db.Placements.Any(p => p.Id == t.PlacementId && p.TenantId == tenantId))
                    .MinAsync(t => (DateTimeOffset?)t.At, cancellationToken),
                await db.CanaryReadiness.Where(c => c.ReadyReplicas > 0 && db.Rollouts.Any(r => r.Id == c.RolloutId && r.TenantId == tenantId))
                    .MinAsync(c => (DateTimeOffset?)c.At, cancellationToken))
            : await db.ModelVersions.Where(v => v.TenantId == tenantId && v.State == ModelVersionState.Ready)
                .MinAsync(v => v.FinalizedAt, cancellationToken);
        return first is { } at && at < upTo ? Accrual.FloorToMinute(at) : upTo;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>
    /// The GPU-seconds of the tenant's placements in [<paramref name="from"/>, <paramref name="to"/>): each stable
    /// Deployment for its billed phases, and each rollout's canary for the replicas it reported ready until the rollout
    /// ended — billed to the placement (its subject) and marked by <see cref="UsageVariants"/>, so the cost gate compares
    /// the two variants from this same metering.
    /// </summary>
    private async Task<List<UsageRecord>> GpuSecondsAsync(Guid tenantId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        // Placements that can have run in the window: not finished, or finished (last changed) after it began.
        var placements = await db.Placements.AsNoTracking().Where(p => p.TenantId == tenantId)
            .Where(p => !PlacementPhases.Finished.Contains(p.Phase) || p.UpdatedAt >= from)
            .Where(p => db.PlacementTransitions.Any(t => t.PlacementId == p.Id && t.At < to
                && (t.Phase == PlacementPhase.Running || t.Phase == PlacementPhase.Degraded)))
            .ToListAsync(cancellationToken);
        // Canaries that can have run in the window: reported before it ended, their rollout not over before it began.
        var canaries = await db.Rollouts.AsNoTracking()
            .Where(r => r.TenantId == tenantId && (r.FinishedAt == null || r.FinishedAt > from) && db.CanaryReadiness.Any(c => c.RolloutId == r.Id && c.At < to))
            .Select(r => new { r.Id, r.PlacementId, r.FinishedAt, r.Target }).ToListAsync(cancellationToken);
        var placementIds = placements.Select(p => p.Id).ToList();
        var canaryPlacementIds = canaries.Select(c => c.PlacementId).Where(id => !placementIds.Contains(id)).Distinct().ToList();
        var owners = canaryPlacementIds.Count == 0 ? []
            : await db.Placements.AsNoTracking().Where(p => canaryPlacementIds.Contains(p.Id)).ToListAsync(cancellationToken);
        if (placements.Count == 0 && canaries.Count == 0)
        {
            return [];
        }

        var transitions = (await db.PlacementTransitions.AsNoTracking().Where(t => placementIds.Contains(t.PlacementId) && t.At < to)
            .Select(t => new { t.PlacementId, t.Phase, t.At }).ToListAsync(cancellationToken)).ToLookup(t => t.PlacementId);
        var canaryIds = canaries.Select(c => c.Id).ToList();
        var readiness = (await db.CanaryReadiness.AsNoTracking().Where(c => canaryIds.Contains(c.RolloutId) && c.At < to)
            .ToListAsync(cancellationToken)).ToLookup(c => c.RolloutId);
        var byId = placements.Concat(owners).ToDictionary(p => p.Id);
        var poolIds = byId.Values.Select(p => p.NodePoolId).Distinct().ToList();
        var pools = await db.NodePools.AsNoTracking().Where(n => poolIds.Contains(n.Id))
            .ToDictionaryAsync(n => n.Id, n => (n.GpuModel, n.CapacityType), cancellationToken);

        var records = new List<UsageRecord>();
        foreach (var placement in placements)
        {
            var intervals = Accrual.RunningIntervals(transitions[placement.Id].Select(t => (t.Phase, t.At)));
            var dimensions = GpuDimensions(placement, pools[placement.NodePoolId], placement.ModelName);
            foreach (var (minute, seconds) in Accrual.SecondsPerMinute(intervals, from, to))
            {
                records.Add(Measured(placement.TenantId, $"gpu/{placement.Id}/{Minute(minute)}", Meters.GpuSeconds, placement.Name, minute,
                    seconds * placement.ReadyUnits, dimensions));
            }
        }

        foreach (var canary in canaries)
        {
            var placement = byId[canary.PlacementId];
            var dimensions = UsageVariants.MarkCanary(GpuDimensions(placement, pools[placement.NodePoolId], canary.Target.ModelName ?? placement.ModelName));
            var reports = readiness[canary.Id].Select(c => (c.At, c.ReadyReplicas));
            foreach (var (minute, replicaSeconds) in Accrual.ReadySecondsPerMinute(reports, canary.FinishedAt, from, to))
            {
                records.Add(Measured(placement.TenantId, $"gpu-canary/{canary.Id}/{Minute(minute)}", Meters.GpuSeconds, placement.Name, minute,
                    replicaSeconds * placement.UnitsPerReplica, dimensions));
            }
        }

        return records;
    }

    /// <summary>What GPU-seconds are priced and reported by: the pool's GPU model and capacity type, the MIG profile, the model served.</summary>
    private static Dictionary<string, string> GpuDimensions(Placement placement, (string GpuModel, CapacityType CapacityType) pool, string? model)
    {
        var dimensions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UsageDimensions.GpuModel] = pool.GpuModel,
            [UsageDimensions.CapacityType] = pool.CapacityType == CapacityType.Spot ? "spot" : "on-demand",
        };
        if (placement.MigProfile is not null)
        {
            dimensions[UsageDimensions.MigProfile] = placement.MigProfile;
        }

        if (model is not null)
        {
            dimensions[UsageDimensions.Model] = model;
        }

        return dimensions;
    }

    private async Task<List<UsageRecord>> StorageByteHoursAsync(Guid tenantId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        // A version's bill depends only on versions finalized before it, so those after the window do not matter.
        var versions = await db.ModelVersions.AsNoTracking()
            .Where(v => v.TenantId == tenantId && v.State == ModelVersionState.Ready && v.FinalizedAt < to)
            .Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => new { v.Id, v.TenantId, FinalizedAt = v.FinalizedAt!.Value, Model = m.Name })
            .ToListAsync(cancellationToken);
        var ids = versions.Select(v => v.Id).ToList();
        var files = (await db.ModelVersionFiles.AsNoTracking().Where(f => ids.Contains(f.VersionId))
            .Select(f => new { f.VersionId, f.Digest, f.SizeBytes }).ToListAsync(cancellationToken)).ToLookup(f => f.VersionId);
        var billable = StorageAttribution.BillableBytes(versions.Select(v =>
            new StoredVersion(v.Id, v.FinalizedAt, files[v.Id].Select(f => (f.Digest, f.SizeBytes)).ToList())));

        var records = new List<UsageRecord>();
        foreach (var version in versions.Where(v => billable[v.Id] > 0))
        {
            var dimensions = new Dictionary<string, string>(StringComparer.Ordinal) { [UsageDimensions.Model] = version.Model };
            foreach (var (minute, seconds) in Accrual.SecondsPerMinute([new RunningInterval(version.FinalizedAt, null)], from, to))
            {
                records.Add(Measured(version.TenantId, $"storage/{version.Id}/{Minute(minute)}", Meters.StorageByteHours, "", minute,
                    billable[version.Id] * seconds / 3600m, dimensions));
            }
        }

        return records;
    }

    /// <summary>
    /// The one place the system produces a quantity: rounded to the stored scale here (a byte-hour of a minute has
    /// endless decimals), so what is stored, summed and read back is exactly what was accrued.
    /// </summary>
    private static UsageRecord Measured(Guid tenantId, string id, string meter, string subject, DateTimeOffset minute, decimal quantity,
        IReadOnlyDictionary<string, string> dimensions) =>
        new(tenantId, Source, id, meter, subject, minute, Quantities.Round(quantity), dimensions);

    private static string Minute(DateTimeOffset minute) => minute.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
