using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Billing;

/// <summary>
/// A tenant's monthly budget: set by its admins or operators, read with this month's spend. A hard cap an operator set
/// is operator-owned: the tenant's admins may change its alert thresholds (or lower it), never raise, remove or delete it.
/// </summary>
public sealed class BudgetService(IControlPlaneDb db, CostService costs, ICallerContext callers, AuditTrail audit, TimeProvider clock)
{
    private const int MaxThresholds = 10;

    public async Task<Versioned<BudgetResponse>> GetAsync(string tenantName, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.TenantId == tenantId, cancellationToken)
            ?? throw new ResourceNotFoundException("budget", tenantName);
        return new(await ToResponseAsync(tenantName, budget, cancellationToken), budget.Version);
    }

    public async Task<Versioned<BudgetResponse>> PutAsync(string tenantName, PutBudgetRequest request, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(request.MonthlyAmount is null, "monthlyAmount", "is required");
        errors.AddIf(request.MonthlyAmount <= 0, "monthlyAmount", "must be positive");
        errors.AddIf(request.MonthlyAmount is { } amount && (amount != Money.Round(amount) || amount >= Money.MaxAmount), "monthlyAmount",
            "must be below 10^15 with at most 2 decimals");
        // No silent default: a budget that does not say whether it stops admissions is refused.
        errors.AddIf(request.HardCap is null, "hardCap", "is required (true refuses admissions over the budget, false only alerts)");
        errors.AddIf(request.AlertThresholds?.Count > MaxThresholds, "alertThresholds", $"at most {MaxThresholds}");
        errors.AddIf(request.AlertThresholds?.Any(t => t is < 1 or > 1000) == true, "alertThresholds", "each must be a percentage from 1 to 1000");
        errors.ThrowIfAny();

        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var now = clock.GetUtcNow();
        var budget = await db.Budgets.FirstOrDefaultAsync(b => b.TenantId == tenantId, cancellationToken);
        var thresholds = request.AlertThresholds ?? [50, 80, 100];
        var byOperator = callers.Caller.IsOperator;
        if (budget is null)
        {
            if (ifMatch is not null && ifMatch != "*")
            {
                throw new PreconditionFailedException("budget", tenantName);
            }

            budget = Budget.Create(tenantId, request.MonthlyAmount!.Value, thresholds, request.HardCap!.Value, byOperator, now);
            db.Budgets.Add(budget);
        }
        else
        {
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, budget.Version))
            {
                throw new PreconditionFailedException("budget", tenantName);
            }

            if (!byOperator && budget.WouldSoften(request.MonthlyAmount!.Value, request.HardCap!.Value))
            {
                throw OperatorOwned(tenantName, "Only a platform operator can raise it or remove its hard cap; you may change its alert thresholds.");
            }

            budget.Update(request.MonthlyAmount!.Value, thresholds, request.HardCap!.Value, byOperator, now);
        }

        audit.Record("budget.set", $"tenants/{tenantName}/budget", tenantName, new Dictionary<string, string>
        {
            ["monthlyAmount"] = budget.MonthlyAmount.ToString(CultureInfo.InvariantCulture),
            ["hardCap"] = budget.HardCap ? "true" : "false",
            ["operatorOwned"] = budget.OperatorOwned ? "true" : "false",
        });
        await db.SaveChangesAsync(cancellationToken);
        return new(await ToResponseAsync(tenantName, budget, cancellationToken), budget.Version);
    }

    public async Task DeleteAsync(string tenantName, string? ifMatch, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var budget = await db.Budgets.FirstOrDefaultAsync(b => b.TenantId == tenantId, cancellationToken)
            ?? throw new ResourceNotFoundException("budget", tenantName);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, budget.Version))
        {
            throw new PreconditionFailedException("budget", tenantName);
        }

        if (budget.OperatorOwned && !callers.Caller.IsOperator)
        {
            throw OperatorOwned(tenantName, "Only a platform operator can delete it.");
        }

        db.Budgets.Remove(budget);
        audit.Record("budget.delete", $"tenants/{tenantName}/budget", tenantName);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ForbiddenException OperatorOwned(string tenantName, string what) =>
        new("budget-operator-owned", $"The budget of tenant '{tenantName}' is a hard cap set by a platform operator. {what}");

    private async Task<BudgetResponse> ToResponseAsync(string tenantName, Budget budget, CancellationToken cancellationToken)
    {
        var (spend, _, currency) = await costs.MonthToDateAsync(budget.TenantId, cancellationToken);
        var month = Pricing.MonthOf(clock.GetUtcNow());
        var crossed = await db.BudgetAlerts.Where(a => a.TenantId == budget.TenantId && a.Month == month).Select(a => a.Threshold)
            .OrderBy(t => t).ToListAsync(cancellationToken);
        return new BudgetResponse(tenantName, budget.MonthlyAmount, budget.AlertThresholds, budget.HardCap, budget.OperatorOwned, currency,
            Money.Round(spend),
            Math.Round(100m * spend / budget.MonthlyAmount, 2, MidpointRounding.AwayFromZero), crossed, budget.UpdatedAt);
    }
}
