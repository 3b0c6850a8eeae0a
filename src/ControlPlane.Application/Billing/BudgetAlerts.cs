using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Billing;

/// <summary>
/// Records each budget threshold a tenant's month-to-date spend has reached, once per month and threshold (the
/// primary key decides between replicas), as an audit event and a metric.
/// </summary>
public sealed class BudgetAlerts(IControlPlaneDb db, IBudgetAlertLog alerts, CostService costs, AuditTrail audit, BillingMetrics metrics, TimeProvider clock)
{
    /// <summary>The tenants that have a budget (each is evaluated on its own: the metering worker isolates them).</summary>
    public async Task<IReadOnlyList<Guid>> TenantsAsync(CancellationToken cancellationToken) =>
        await db.Budgets.AsNoTracking().OrderBy(b => b.TenantId).Select(b => b.TenantId).ToListAsync(cancellationToken);

    /// <summary>Records the thresholds the tenant's budget has newly reached this month; returns how many.</summary>
    public async Task<int> EvaluateAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var item = await db.Budgets.AsNoTracking().Where(b => b.TenantId == tenantId)
            .Join(db.Tenants, b => b.TenantId, t => t.Id, (b, t) => new { Budget = b, Tenant = t.Name }).FirstOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return 0; // removed since the list was read
        }

        var now = clock.GetUtcNow();
        var month = Pricing.MonthOf(now);
        var recorded = 0;
        var (spend, _, currency) = await costs.MonthToDateAsync(item.Budget.TenantId, cancellationToken);
        foreach (var threshold in item.Budget.Reached(spend))
        {
            recorded += await db.InTransactionAsync(async () =>
            {
                if (!await alerts.RecordOnceAsync(item.Budget.TenantId, month, threshold, Money.Round(spend), now, cancellationToken))
                {
                    return 0;
                }

                audit.Record("budget.threshold-crossed", $"tenants/{item.Tenant}/budget", item.Tenant, new Dictionary<string, string>
                {
                    ["threshold"] = threshold.ToString(CultureInfo.InvariantCulture),
                    ["month"] = month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    ["spend"] = Money.Round(spend).ToString(CultureInfo.InvariantCulture),
                    ["budget"] = item.Budget.MonthlyAmount.ToString(CultureInfo.InvariantCulture),
                    ["currency"] = currency,
                });
                await db.SaveChangesAsync(cancellationToken);
                metrics.ThresholdCrossed(item.Tenant, threshold);
                return 1;
            }, cancellationToken);
        }

        return recorded;
    }
}
