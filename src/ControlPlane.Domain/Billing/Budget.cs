namespace ControlPlane.Domain.Billing;

/// <summary>A tenant's monthly spending budget: alerts at percentages of it and, with a hard cap, admission stops at it.</summary>
public sealed class Budget
{
    private Budget()
    {
    }

    public Guid TenantId { get; private set; }
    public decimal MonthlyAmount { get; private set; }
    public List<int> AlertThresholds { get; private set; } = [];
    public bool HardCap { get; private set; }

    /// <summary>A hard cap a platform operator set: the tenant may read it and tune its alerts, but not lift or soften it.</summary>
    public bool OperatorOwned { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }

    public static Budget Create(Guid tenantId, decimal monthlyAmount, IEnumerable<int> thresholds, bool hardCap, bool byOperator,
        DateTimeOffset now)
    {
        var budget = new Budget { TenantId = tenantId };
        budget.Update(monthlyAmount, thresholds, hardCap, byOperator, now);
        return budget;
    }

    /// <summary>
    /// An operator's change decides ownership (a hard cap is operator-owned, no cap is not); a tenant's change keeps it.
    /// Callers refuse a tenant's change that <see cref="WouldSoften"/> the cap first.
    /// </summary>
    public void Update(decimal monthlyAmount, IEnumerable<int> thresholds, bool hardCap, bool byOperator, DateTimeOffset now)
    {
        OperatorOwned = byOperator ? hardCap : OperatorOwned;
        MonthlyAmount = monthlyAmount;
        AlertThresholds = [.. thresholds.Distinct().Order()];
        HardCap = hardCap;
        UpdatedAt = now;
    }

    /// <summary>True when a tenant's change would lift this budget's operator-owned cap (a higher amount, or no hard cap).</summary>
    public bool WouldSoften(decimal monthlyAmount, bool hardCap) => OperatorOwned && (monthlyAmount > MonthlyAmount || !hardCap);

    /// <summary>The thresholds (percent) that <paramref name="spend"/> has reached.</summary>
    public IEnumerable<int> Reached(decimal spend) =>
        AlertThresholds.Where(t => MonthlyAmount <= 0 ? spend > 0 || t == 0 : spend * 100m >= MonthlyAmount * t);
}

/// <summary>A threshold crossing of one month, recorded once (inserted by BudgetAlerts with ON CONFLICT DO NOTHING).</summary>
public sealed class BudgetAlert
{
    private BudgetAlert()
    {
    }

    public Guid TenantId { get; private set; }
    public DateOnly Month { get; private set; }
    public int Threshold { get; private set; }
    public decimal Spend { get; private set; }
    public DateTimeOffset At { get; private set; }
}
