using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Billing;

/// <summary>
/// Admission's money check: the placement's cost over <see cref="BillingOptions.AdmissionCostHorizon"/> (GPU unit price ×
/// GPUs) on top of the month-to-date spend must stay within a hard-capped budget and the spend.monthly quota (minor
/// units); its GPU-hours on top of the month's must stay within gpu-hours.monthly. Nothing is checked for a tenant with
/// none of the three. The limits and the price in force are read before any lock (once per request: this service is
/// scoped to it); only the month-to-date comparison runs under the capacity locks.
/// </summary>
public sealed class SpendGuard(IControlPlaneDb db, CostService costs, PriceBookService priceBook, IOptions<BillingOptions> options,
    TimeProvider clock)
{
    public static readonly string[] MonthlyQuotas = [QuotaResource.GpuHoursMonthly, QuotaResource.SpendMonthly];

    private PriceSchedule? _prices;

    /// <summary>The tenant's hard-capped budget and monthly money quotas (two reads; admission gets them with the tenant).</summary>
    public async Task<MoneyLimits> LimitsAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.TenantId == tenantId && b.HardCap, cancellationToken);
        var quotas = await db.Quotas.AsNoTracking().Where(q => q.TenantId == tenantId && MonthlyQuotas.Contains(q.Resource)).ToListAsync(cancellationToken);
        return MoneyLimits.From(budget, quotas);
    }

    /// <summary>The price in force of one unit-second on the pool; the price book is read once per request.</summary>
    public async Task<SpendQuote> QuoteAsync(PoolPrice pool, string? migProfile, CancellationToken cancellationToken)
    {
        var dimensions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UsageDimensions.GpuModel] = pool.GpuModel,
            [UsageDimensions.CapacityType] = pool.CapacityType == CapacityType.Spot ? "spot" : "on-demand",
        };
        if (migProfile is not null)
        {
            dimensions[UsageDimensions.MigProfile] = migProfile;
        }

        _prices ??= await priceBook.ScheduleAsync(cancellationToken);
        var price = _prices.PriceOf(Meters.GpuSeconds, dimensions, clock.GetUtcNow());
        // Without a listed price the pool's list price stands in, so that an unpriced pool is not free to admit.
        return new SpendQuote(price.Listed ? price.UnitPrice : pool.PricePerGpuHour / 3600m);
    }

    /// <summary>Refuses (409 budget-exceeded or quota-exceeded, naming the budget or quota) what <see cref="CheckAsync"/> would not allow.</summary>
    public async Task EnsureAffordableAsync(Guid tenantId, string tenantName, MoneyLimits limits, SpendQuote quote, long units,
        CancellationToken cancellationToken)
    {
        if (await CheckAsync(tenantId, tenantName, limits, quote, units, cancellationToken) is { Allowed: false } refused)
        {
            throw new ConflictException(refused.Reason!, refused.Detail!, refused.Extensions);
        }
    }

    /// <summary>
    /// The money check of placing <paramref name="units"/> GPUs (or MIG slices) at <paramref name="quote"/>; null when the
    /// tenant has no hard-capped budget and no monthly spend or GPU-hour quota.
    /// </summary>
    public async Task<SpendCheck?> CheckAsync(Guid tenantId, string tenantName, MoneyLimits limits, SpendQuote quote, long units,
        CancellationToken cancellationToken)
    {
        if (!limits.Any)
        {
            return null;
        }

        var horizon = options.Value.AdmissionCostHorizon;
        var (spend, gpuSeconds, currency) = await costs.MonthToDateAsync(tenantId, cancellationToken);
        var estimate = quote.PerUnitSecond * units * (decimal)horizon.TotalSeconds;
        var details = new Dictionary<string, object?>
        {
            ["monthToDateSpend"] = Money.Round(spend), ["estimatedCost"] = Money.Round(estimate), ["currency"] = currency,
            ["horizon"] = horizon.ToString("c", CultureInfo.InvariantCulture),
        };
        SpendCheck Result(string? reason, string? detail) => new(reason is null, reason, detail, Money.Round(spend), Money.Round(estimate), currency, details);

        if (limits.HardCap is { } budget && spend + estimate > budget.MonthlyAmount)
        {
            details["budget"] = new { tenant = tenantName, monthlyAmount = budget.MonthlyAmount, hardCap = true };
            return Result("budget-exceeded",
                $"The budget of tenant '{tenantName}' ({budget.MonthlyAmount.ToString(CultureInfo.InvariantCulture)} {currency} a month, hard cap) "
                + $"would be exceeded: month-to-date spend {Money.Round(spend).ToString(CultureInfo.InvariantCulture)} + estimated "
                + $"{Money.Round(estimate).ToString(CultureInfo.InvariantCulture)} for the next {horizon}.");
        }

        if (limits.SpendMonthly is { } spendLimit && (spend + estimate) * 100m > spendLimit)
        {
            return Result("quota-exceeded",
                $"Quota {QuotaResource.SpendMonthly} ({spendLimit} minor units) would be exceeded: month-to-date spend "
                + $"{Money.Round(spend).ToString(CultureInfo.InvariantCulture)} + estimated {Money.Round(estimate).ToString(CultureInfo.InvariantCulture)} {currency}.");
        }

        var hours = (gpuSeconds + units * (decimal)horizon.TotalSeconds) / 3600m;
        if (limits.GpuHoursMonthly is { } hoursLimit && hours > hoursLimit)
        {
            details["gpuHours"] = Math.Round(hours, 3);
            return Result("quota-exceeded",
                $"Quota {QuotaResource.GpuHoursMonthly} ({hoursLimit} h) would be exceeded: "
                + $"{Math.Round(gpuSeconds / 3600m, 3).ToString(CultureInfo.InvariantCulture)} h used this month + {units} GPUs for {horizon}.");
        }

        return Result(null, null);
    }
}

/// <summary>A tenant's money limits: a hard-capped budget, the spend.monthly (minor units) and gpu-hours.monthly quota limits.</summary>
public sealed record MoneyLimits(Budget? HardCap, long? SpendMonthly, long? GpuHoursMonthly)
{
    public bool Any => HardCap is not null || SpendMonthly is not null || GpuHoursMonthly is not null;

    public static MoneyLimits From(Budget? hardCap, IEnumerable<Quota> quotas)
    {
        long? Limit(string resource) => quotas.FirstOrDefault(q => q.Resource == resource)?.Limit;
        return new MoneyLimits(hardCap, Limit(QuotaResource.SpendMonthly), Limit(QuotaResource.GpuHoursMonthly));
    }
}

/// <summary>What a pool charges, as far as the money check needs it.</summary>
public sealed record PoolPrice(string GpuModel, CapacityType CapacityType, decimal PricePerGpuHour);

/// <summary>The price in force of one GPU (or MIG slice) second on a pool.</summary>
public sealed record SpendQuote(decimal PerUnitSecond);

/// <summary>What the money check of an admission found.</summary>
/// <param name="Allowed">False when the admission would be refused.</param>
/// <param name="Reason">budget-exceeded or quota-exceeded when refused.</param>
/// <param name="Detail">Why, naming the budget or quota.</param>
/// <param name="MonthToDateSpend">The tenant's spend this month, rounded to the cent.</param>
/// <param name="EstimatedCost">The placement's cost over Billing:AdmissionCostHorizon, rounded to the cent.</param>
/// <param name="Currency">The price book's currency.</param>
public sealed record SpendCheck(bool Allowed, string? Reason, string? Detail, decimal MonthToDateSpend, decimal EstimatedCost, string Currency,
    [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyDictionary<string, object?> Extensions);
