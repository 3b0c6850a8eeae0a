using ControlPlane.Application.Billing;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Slos;

namespace ControlPlane.Application.Slos;

/// <summary>Usage of placements summed per 5-minute slice, from the raw usage events (the rollup is hourly).</summary>
public interface IUsageSlices
{
    /// <summary>Usage per (tenant, meter, dimensions, subject, slice) of the given subjects in [from, to); the slice start is in Hour.</summary>
    Task<IReadOnlyList<UsageAggregate>> SlicesAsync(IReadOnlyCollection<Guid> tenantIds, IReadOnlyCollection<string> subjects, DateTimeOffset from,
        DateTimeOffset to, TimeSpan slice, CancellationToken cancellationToken);
}

/// <summary>
/// The cost SLI, from the control plane's own metering and price book: of the 5-minute slices in which a placement
/// served inferences, the share whose cost per 1,000 inferences (all usage with the placement as subject — its
/// GPU-seconds, tokens, … — priced as billing prices it, over the slice's inferences) stays at or under the limit.
/// A window shorter than a slice reads the last complete slice.
/// </summary>
public sealed class CostSliReader(IUsageSlices usage, PriceBookService priceBook)
{
    public static readonly TimeSpan Slice = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyDictionary<Guid, SliReading>> ReadAsync(IReadOnlyList<Slo> slos, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (slos.Count == 0)
        {
            return new Dictionary<Guid, SliReading>();
        }

        var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Slice.Ticks), TimeSpan.Zero);
        var start = end - slos.Max(s => s.WindowDuration);
        var slices = await usage.SlicesAsync([.. slos.Select(s => s.TenantId).Distinct()], [.. slos.Select(s => s.Placement).Distinct()],
            start, end, Slice, cancellationToken);
        var schedule = await priceBook.ScheduleAsync(cancellationToken);
        var perSlice = PerThousandInferences(slices, schedule, u => (u.TenantId, u.Subject, u.Hour))
            .ToLookup(s => (s.Key.TenantId, s.Key.Subject), s => (Start: s.Key.Hour, s.PerThousand));

        var readings = new Dictionary<Guid, SliReading>();
        foreach (var slo in slos)
        {
            var own = perSlice[(slo.TenantId, slo.Placement)].ToList();
            var ratios = new Dictionary<TimeSpan, double>();
            foreach (var window in BurnRateWindows.For(slo.WindowDuration).Append(slo.WindowDuration).Distinct())
            {
                var from = end - (window < Slice ? Slice : window);
                var inWindow = own.Where(s => s.Start >= from).ToList();
                if (inWindow.Count > 0)
                {
                    ratios[window] = (double)inWindow.Count(s => s.PerThousand > slo.Indicator.MaxCostPer1kInferences!.Value) / inWindow.Count;
                }
            }

            readings[slo.Id] = new SliReading(ratios, null);
        }

        return readings;
    }

    /// <summary>
    /// Usage priced as billing prices it, summed per <paramref name="key"/>: all of a group's cost over its inferences,
    /// per 1,000. Groups without inferences have no such cost and are left out. The cost SLI and the rollout cost gate
    /// (key: the usage's variant) both read it from here.
    /// </summary>
    public static IEnumerable<(TKey Key, decimal PerThousand)> PerThousandInferences<TKey>(IEnumerable<UsageAggregate> usage, PriceSchedule schedule,
        Func<UsageAggregate, TKey> key) =>
        Pricing.Price(usage, schedule)
            .GroupBy(p => key(p.Usage))
            .Select(g => (g.Key, Cost: g.Sum(p => p.Cost), Inferences: g.Where(p => p.Usage.Meter == Meters.Inferences).Sum(p => p.Usage.Quantity)))
            .Where(s => s.Inferences > 0)
            .Select(s => (s.Key, s.Cost / s.Inferences * 1000m));
}
