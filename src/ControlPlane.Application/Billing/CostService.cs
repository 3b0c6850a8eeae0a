using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Billing;

/// <summary>What usage cost, priced with the price in force at each usage's hour, grouped as asked.</summary>
public sealed class CostService(IControlPlaneDb db, IUsageStore usage, PriceBookService priceBook, TimeProvider clock)
{
    public const string None = "(none)";
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);
    private static readonly string[] TenantGroupings = ["day", "meter", "placement", "model", "gpuModel"];

    public async Task<CostsResponse> TenantCostsAsync(string tenantName, DateTimeOffset? from, DateTimeOffset? to, string? groupBy,
        CancellationToken cancellationToken)
    {
        var grouping = Grouping(groupBy, TenantGroupings);
        var (start, end) = Range(from, to);
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var (currency, priced) = await PricedAsync(tenantId, start, end, cancellationToken);
        return Group(currency, start, end, grouping, priced, p => KeyOf(p.Usage, grouping));
    }

    /// <summary>Operators: costs across tenants.</summary>
    public async Task<CostsResponse> AllCostsAsync(DateTimeOffset? from, DateTimeOffset? to, string? groupBy, CancellationToken cancellationToken)
    {
        var grouping = Grouping(groupBy, ["tenant", .. TenantGroupings]);
        var (start, end) = Range(from, to);
        var (currency, priced) = await PricedAsync(null, start, end, cancellationToken);
        var names = await db.Tenants.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        return Group(currency, start, end, grouping, priced,
            p => grouping == "tenant" ? names.GetValueOrDefault(p.Usage.TenantId, p.Usage.TenantId.ToString()) : KeyOf(p.Usage, grouping));
    }

    /// <summary>
    /// Cost per 1,000 inferences. A placement's cost is all usage whose subject is the placement (its GPU-seconds, tokens,
    /// …); a model's is all usage carrying the model dimension. Inferences are the inferences meter of the same usage.
    /// </summary>
    public async Task<UnitEconomicsResponse> UnitEconomicsAsync(string tenantName, DateTimeOffset? from, DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        var (start, end) = Range(from, to);
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var (currency, priced) = await PricedAsync(tenantId, start, end, cancellationToken);
        return new UnitEconomicsResponse(currency, start, end,
            UnitCosts(priced.Where(p => p.Usage.Subject.Length > 0), p => p.Usage.Subject),
            UnitCosts(priced.Where(p => p.Usage.Dimensions.ContainsKey(UsageDimensions.Model)), p => p.Usage.Dimensions[UsageDimensions.Model]));
    }

    /// <summary>Month-to-date spend of a tenant (exact, not rounded) and its GPU-seconds.</summary>
    public async Task<(decimal Spend, decimal GpuSeconds, string Currency)> MonthToDateAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (currency, priced) = await PricedAsync(tenantId, Pricing.MonthStart(now), now.AddHours(1), cancellationToken);
        return (priced.Sum(p => p.Cost), priced.Where(p => p.Usage.Meter == Meters.GpuSeconds).Sum(p => p.Usage.Quantity), currency);
    }

    private async Task<(string Currency, List<PricedUsage> Priced)> PricedAsync(Guid? tenantId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var schedule = await priceBook.ScheduleAsync(cancellationToken);
        var aggregates = await usage.AggregatesAsync(tenantId, from, to, fromRawEvents: false, cancellationToken);
        return (schedule.Currency ?? "USD", [.. Pricing.Price(aggregates, schedule)]);
    }

    private static CostsResponse Group(string currency, DateTimeOffset from, DateTimeOffset to, string grouping, List<PricedUsage> priced,
        Func<PricedUsage, string> keyOf) =>
        new(currency, from, to, grouping, priced.Sum(p => p.Cost),
        [.. priced.GroupBy(keyOf).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new CostGroup(g.Key, g.Sum(p => p.Cost),
            g.GroupBy(p => p.Usage.Meter).OrderBy(m => m.Key, StringComparer.Ordinal)
                .ToDictionary(m => m.Key, m => m.Sum(p => p.Usage.Quantity), StringComparer.Ordinal)))]);

    private static List<UnitCost> UnitCosts(IEnumerable<PricedUsage> priced, Func<PricedUsage, string> keyOf) =>
    [
        .. priced.GroupBy(keyOf).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var cost = g.Sum(p => p.Cost);
            var inferences = g.Where(p => p.Usage.Meter == Meters.Inferences).Sum(p => p.Usage.Quantity);
            return new UnitCost(g.Key, cost, inferences, inferences > 0 ? cost * 1000m / inferences : null);
        }),
    ];

    private static string KeyOf(UsageAggregate usage, string grouping) => grouping switch
    {
        "day" => usage.Hour.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        "meter" => usage.Meter,
        "placement" => usage.Subject.Length > 0 ? usage.Subject : None,
        "model" => usage.Dimensions.GetValueOrDefault(UsageDimensions.Model, None),
        "gpuModel" => usage.Dimensions.GetValueOrDefault(UsageDimensions.GpuModel, None),
        _ => throw new InvalidOperationException(grouping),
    };

    private static string Grouping(string? groupBy, string[] allowed) =>
        groupBy is null ? "day"
        : allowed.Contains(groupBy, StringComparer.Ordinal) ? groupBy
        : throw new ValidationFailedException(new Dictionary<string, string[]> { ["groupBy"] = [$"one of: {string.Join(", ", allowed)}"] });

    /// <summary>
    /// Usage is kept per hour: the period is widened to whole hours (the response says which). Both bounds lie in
    /// the API's supported range (<see cref="SupportedTime"/>), checked here too (the input filter checks bodies and query
    /// strings; the service also serves callers without one), before any arithmetic near DateTimeOffset's limits.
    /// </summary>
    private (DateTimeOffset From, DateTimeOffset To) Range(DateTimeOffset? from, DateTimeOffset? to)
    {
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        errors.AddIf(from is { } f && !SupportedTime.Contains(f), "from", SupportedTime.Rule);
        errors.AddIf(to is { } t && !SupportedTime.Contains(t), "to", SupportedTime.Rule);
        errors.ThrowIfAny();
        var start = FloorHour(from ?? Pricing.MonthStart(now));
        var endRaw = to ?? now;
        var end = FloorHour(endRaw) == endRaw.ToUniversalTime() ? endRaw.ToUniversalTime() : FloorHour(endRaw).AddHours(1);
        errors.AddIf(end <= start, "to", "must be after from");
        errors.AddIf(end - start > MaxRange, "to", "the period may span at most 366 days");
        errors.ThrowIfAny();
        return (start, end);
    }

    private static DateTimeOffset FloorHour(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}
