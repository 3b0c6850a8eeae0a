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
/// Usage the platform measures itself: GPU-seconds of running placements (from their phase transitions) and
/// byte-hours of ready model versions, per minute. Each meter has a watermark row; one replica at a time holds it
/// (FOR UPDATE SKIP LOCKED), accrues the whole minutes after it and moves it, in one transaction with the events. The
/// events carry deterministic ids and go through the idempotent ingestion path, so a crash between the two can never
/// count a minute twice, and a restart resumes at the watermark without a gap.
/// </summary>
public sealed class SystemMetering(IControlPlaneDb db, IUsageStore store, UsageIngestion ingestion, BillingMetrics metrics)
{
    public const string Source = "controlplane/metering";

    /// <summary>The most minutes accrued in one transaction (a replica that was down catches up in steps).</summary>
    private static readonly TimeSpan MaxStep = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a minute is left to settle before it is accrued: a phase transition is stamped before its transaction
    /// commits, and a minute must not be accrued before every transition inside it is visible.
    /// </summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(30);

    /// <summary>Accrues every meter up to the whole minute before <paramref name="now"/> − <see cref="SettleDelay"/>; returns the events stored.</summary>
    public async Task<int> AccrueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var upTo = Accrual.FloorToMinute(now - SettleDelay);
        var stored = 0;
        foreach (var meter in new[] { Meters.GpuSeconds, Meters.StorageByteHours })
        {
            while (true)
            {
                var step = await db.InTransactionAsync(() => AccrueStepAsync(meter, upTo, cancellationToken), cancellationToken);
                if (step is null)
                {
                    break;
                }

                stored += step.Value;
            }
        }

        // Every replica reports where accrual stands (not only the one that held the watermark), so the lag metric
        // and its alert see a stalled metering even when the replica that should accrue is the one that is stuck.
        metrics.Watermarks(await store.WatermarksAsync(cancellationToken));
        return stored;
    }

    /// <summary>One step of one meter; null when there is nothing to do or another replica holds the meter.</summary>
    private async Task<int?> AccrueStepAsync(string meter, DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        var from = await store.TryLockWatermarkAsync(meter, () => InitialWatermarkAsync(meter, upTo, cancellationToken), cancellationToken);
        if (from is not { } start || start >= upTo)
        {
            return null;
        }

        var end = upTo - start > MaxStep ? start + MaxStep : upTo;
        var records = meter == Meters.GpuSeconds
            ? await GpuSecondsAsync(start, end, cancellationToken)
            : await StorageByteHoursAsync(start, end, cancellationToken);
        var stored = await ingestion.StoreSystemUsageAsync(records, cancellationToken);
        await store.AdvanceWatermarkAsync(meter, end, cancellationToken);
        return stored;
    }

    /// <summary>A meter never accrued starts at the first minute anything was billable.</summary>
    private async Task<DateTimeOffset> InitialWatermarkAsync(string meter, DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        DateTimeOffset? first = meter == Meters.GpuSeconds
            ? await db.PlacementTransitions.Where(t => t.Phase == PlacementPhase.Running || t.Phase == PlacementPhase.Degraded)
                .MinAsync(t => (DateTimeOffset?)t.At, cancellationToken)
            : await db.ModelVersions.Where(v => v.State == ModelVersionState.Ready).MinAsync(v => v.FinalizedAt, cancellationToken);
        return first is { } at && at < upTo ? Accrual.FloorToMinute(at) : upTo;
    }

    private async Task<List<UsageRecord>> GpuSecondsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Placements that can have run in the window: not finished, or finished (last changed) after it began.
        var placements = await db.Placements.AsNoTracking()
            .Where(p => !PlacementPhases.Finished.Contains(p.Phase) || p.UpdatedAt >= from)
            .Where(p => db.PlacementTransitions.Any(t => t.PlacementId == p.Id && t.At < to
                && (t.Phase == PlacementPhase.Running || t.Phase == PlacementPhase.Degraded)))
            .ToListAsync(cancellationToken);
        if (placements.Count == 0)
        {
            return [];
        }

        var ids = placements.Select(p => p.Id).ToList();
        var transitions = (await db.PlacementTransitions.AsNoTracking().Where(t => ids.Contains(t.PlacementId) && t.At < to)
            .Select(t => new { t.PlacementId, t.Phase, t.At }).ToListAsync(cancellationToken)).ToLookup(t => t.PlacementId);
        var poolIds = placements.Select(p => p.NodePoolId).Distinct().ToList();
        var pools = await db.NodePools.AsNoTracking().Where(n => poolIds.Contains(n.Id))
            .ToDictionaryAsync(n => n.Id, n => new { n.GpuModel, n.CapacityType }, cancellationToken);

        var records = new List<UsageRecord>();
        foreach (var placement in placements)
        {
            var intervals = Accrual.RunningIntervals(transitions[placement.Id].Select(t => (t.Phase, t.At)));
            var pool = pools[placement.NodePoolId];
            var dimensions = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [UsageDimensions.GpuModel] = pool.GpuModel,
                [UsageDimensions.CapacityType] = pool.CapacityType == CapacityType.Spot ? "spot" : "on-demand",
            };
            if (placement.MigProfile is not null)
            {
                dimensions[UsageDimensions.MigProfile] = placement.MigProfile;
            }

            if (placement.ModelName is not null)
            {
                dimensions[UsageDimensions.Model] = placement.ModelName;
            }

            foreach (var (minute, seconds) in Accrual.SecondsPerMinute(intervals, from, to))
            {
                records.Add(new UsageRecord(placement.TenantId, Source, $"gpu/{placement.Id}/{Minute(minute)}", Meters.GpuSeconds, placement.Name,
                    minute, seconds * placement.ReadyUnits, dimensions));
            }
        }

        return records;
    }

    private async Task<List<UsageRecord>> StorageByteHoursAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.State == ModelVersionState.Ready && v.FinalizedAt < to)
            .Join(db.Models, v => v.ModelId, m => m.Id, (v, m) => new { v.Id, v.TenantId, v.SizeBytes, v.FinalizedAt, Model = m.Name })
            .ToListAsync(cancellationToken);
        var records = new List<UsageRecord>();
        foreach (var version in versions)
        {
            var dimensions = new Dictionary<string, string>(StringComparer.Ordinal) { [UsageDimensions.Model] = version.Model };
            foreach (var (minute, seconds) in Accrual.SecondsPerMinute([new RunningInterval(version.FinalizedAt!.Value, null)], from, to))
            {
                records.Add(new UsageRecord(version.TenantId, Source, $"storage/{version.Id}/{Minute(minute)}", Meters.StorageByteHours, "",
                    minute, version.SizeBytes * seconds / 3600m, dimensions));
            }
        }

        return records;
    }

    private static string Minute(DateTimeOffset minute) => minute.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
