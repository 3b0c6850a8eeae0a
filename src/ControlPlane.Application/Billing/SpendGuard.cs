using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Billing;

/// <summary>
/// Admission's money check, inside the admission transaction after the tenant's quota rows are locked: the placement's
/// cost over <see cref="BillingOptions.AdmissionCostHorizon"/> (GPU unit price × GPUs) on top of the month-to-date spend
/// must stay within a hard-capped budget and the spend.monthly quota (minor units); its GPU-hours on top of the month's
/// must stay within gpu-hours.monthly. Nothing is checked for a tenant with none of the three.
/// </summary>
public sealed class SpendGuard(IControlPlaneDb db, CostService costs, PriceBookService priceBook, IOptions<BillingOptions> options,
    TimeProvider clock)
{
    public static readonly string[] MonthlyQuotas = [QuotaResource.GpuHoursMonthly, QuotaResource.SpendMonthly];

    /// <summary>Refuses (409 budget-exceeded or quota-exceeded, naming the budget or quota) what <see cref="CheckAsync"/> would not allow.</summary>
    public async Task EnsureAffordableAsync(Guid tenantId, string tenantName, IReadOnlyDictionary<string, Quota> lockedQuotas, NodePool pool,
        string? migProfile, long units, CancellationToken cancellationToken)
    {
        if (await CheckAsync(tenantId, tenantName, lockedQuotas, pool, migProfile, units, cancellationToken) is { Allowed: false } refused)
        {
            throw new ConflictException(refused.Reason!, refused.Detail!, refused.Extensions);
        }
    }

    /// <summary>
    /// The money check of placing <paramref name="units"/> GPUs (or MIG slices) on <paramref name="pool"/>; null when the
    /// tenant has no hard-capped budget and no monthly spend or GPU-hour quota among <paramref name="quotas"/>.
    /// </summary>
    public async Task<SpendCheck?> CheckAsync(Guid tenantId, string tenantName, IReadOnlyDictionary<string, Quota> quotas, NodePool pool,
        string? migProfile, long units, CancellationToken cancellationToken)
    {
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.TenantId == tenantId && b.HardCap, cancellationToken);
        quotas.TryGetValue(QuotaResource.SpendMonthly, out var spendQuota);
        quotas.TryGetValue(QuotaResource.GpuHoursMonthly, out var gpuHoursQuota);
        if (budget is null && spendQuota is null && gpuHoursQuota is null)
        {
            return null;
        }

        var horizon = options.Value.AdmissionCostHorizon;
        var (spend, gpuSeconds, currency) = await costs.MonthToDateAsync(tenantId, cancellationToken);
        var dimensions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UsageDimensions.GpuModel] = pool.GpuModel,
            [UsageDimensions.CapacityType] = pool.CapacityType == CapacityType.Spot ? "spot" : "on-demand",
        };
        if (migProfile is not null)
        {
            dimensions[UsageDimensions.MigProfile] = migProfile;
        }

        var schedule = await priceBook.ScheduleAsync(cancellationToken);
        var price = schedule.PriceOf(Meters.GpuSeconds, dimensions, clock.GetUtcNow());
        // Without a listed price the pool's list price stands in, so that an unpriced pool is not free to admit.
        var perUnitSecond = price.Listed ? price.UnitPrice : pool.PricePerGpuHour / 3600m;
        var estimate = perUnitSecond * units * (decimal)horizon.TotalSeconds;
        var details = new Dictionary<string, object?>
        {
            ["monthToDateSpend"] = Money.Round(spend), ["estimatedCost"] = Money.Round(estimate), ["currency"] = currency,
            ["horizon"] = horizon.ToString("c", CultureInfo.InvariantCulture),
        };
        SpendCheck Result(string? reason, string? detail) => new(reason is null, reason, detail, Money.Round(spend), Money.Round(estimate), currency, details);

        if (budget is not null && spend + estimate > budget.MonthlyAmount)
        {
            details["budget"] = new { tenant = tenantName, monthlyAmount = budget.MonthlyAmount, hardCap = true };
            return Result("budget-exceeded",
                $"The budget of tenant '{tenantName}' ({budget.MonthlyAmount.ToString(CultureInfo.InvariantCulture)} {currency} a month, hard cap) "
                + $"would be exceeded: month-to-date spend {Money.Round(spend).ToString(CultureInfo.InvariantCulture)} + estimated "
                + $"{Money.Round(estimate).ToString(CultureInfo.InvariantCulture)} for the next {horizon}.");
        }

        if (spendQuota is not null && (spend + estimate) * 100m > spendQuota.Limit)
        {
            return Result("quota-exceeded",
                $"Quota {QuotaResource.SpendMonthly} ({spendQuota.Limit} minor units) would be exceeded: month-to-date spend "
                + $"{Money.Round(spend).ToString(CultureInfo.InvariantCulture)} + estimated {Money.Round(estimate).ToString(CultureInfo.InvariantCulture)} {currency}.");
        }

        var hours = (gpuSeconds + units * (decimal)horizon.TotalSeconds) / 3600m;
        if (gpuHoursQuota is not null && hours > gpuHoursQuota.Limit)
        {
            details["gpuHours"] = Math.Round(hours, 3);
            return Result("quota-exceeded",
                $"Quota {QuotaResource.GpuHoursMonthly} ({gpuHoursQuota.Limit} h) would be exceeded: "
                + $"{Math.Round(gpuSeconds / 3600m, 3).ToString(CultureInfo.InvariantCulture)} h used this month + {units} GPUs for {horizon}.");
        }

        return Result(null, null);
    }
}

/// <summary>What the money check of an admission found.</summary>
/// <param name="Allowed">False when the admission would be refused.</param>
/// <param name="Reason">budget-exceeded or quota-exceeded when refused.</param>
/// <param name="Detail">Why, naming the budget or quota.</param>
/// <param name="MonthToDateSpend">The tenant's spend this month, rounded to the cent.</param>
/// <param name="EstimatedCost">The placement's cost over Billing:AdmissionCostHorizon, rounded to the cent.</param>
/// <param name="Currency">The price book's currency.</param>
public sealed record SpendCheck(bool Allowed, string? Reason, string? Detail, decimal MonthToDateSpend, decimal EstimatedCost, string Currency,
    [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyDictionary<string, object?> Extensions);
