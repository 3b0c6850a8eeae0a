namespace ControlPlane.Domain.Billing;

/// <summary>A closed month of a tenant: stored as computed at closing and never changed afterwards.</summary>
public sealed class Statement
{
    private Statement()
    {
    }

    public Guid TenantId { get; private set; }

    /// <summary>The first day of the month (UTC).</summary>
    public DateOnly Month { get; private set; }
    public string Currency { get; private set; } = "";
    public decimal Total { get; private set; }
    public List<StatementLine> Lines { get; private set; } = [];
    public DateTimeOffset ClosedAt { get; private set; }
    public string ClosedBy { get; private set; } = "";

    public static Statement Close(Guid tenantId, DateOnly month, string currency, IReadOnlyList<StatementLine> lines, DateTimeOffset now,
        string closedBy) => new()
    {
        TenantId = tenantId,
        Month = month,
        Currency = currency,
        Lines = [.. lines],
        Total = lines.Sum(l => l.Amount),
        // PostgreSQL keeps microseconds: the statement answered at closing is the one every later read returns.
        ClosedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero),
        ClosedBy = closedBy,
    };
}
