using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Billing;

/// <summary>
/// Monthly statements. The current (and any unclosed) month is a live estimate from the rollup; closing a month
/// recomputes it from the raw events under the tenant's exclusive usage lock and stores it, never to change again.
/// </summary>
public sealed class StatementService(IControlPlaneDb db, IUsageStore usage, PriceBookService priceBook, AuditTrail audit,
    ICallerContext context, IOptions<BillingOptions> options, TimeProvider clock)
{
    public const string Open = "open";
    public const string Closed = "closed";

    public async Task<StatementListResponse> ListAsync(string tenantName, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var closed = await db.Statements.AsNoTracking().Where(s => s.TenantId == tenantId).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var months = (await usage.MonthsWithUsageAsync(tenantId, now.AddHours(1), cancellationToken)).Select(m => Pricing.MonthOf(m.Month))
            .Append(Pricing.MonthOf(now)).Except(closed.Select(s => s.Month)).Distinct().ToList();
        var items = closed.Select(s => new StatementSummary(Format(s.Month), Closed, s.Currency, s.Total)).ToList();
        foreach (var month in months)
        {
            var live = await LiveAsync(tenantId, month, fromRawEvents: false, cancellationToken);
            items.Add(new StatementSummary(Format(month), Open, live.Currency, live.Lines.Sum(l => l.Amount)));
        }

        return new StatementListResponse(tenantName, [.. items.OrderByDescending(i => i.Month, StringComparer.Ordinal)]);
    }

    public async Task<StatementResponse> GetAsync(string tenantName, string month, CancellationToken cancellationToken) =>
        await GetAsync(tenantName, await db.RequireTenantIdAsync(tenantName, cancellationToken), month, cancellationToken);

    /// <summary>The statement as FinOps FOCUS 1.1 CSV (<see cref="FocusExport"/>).</summary>
    public async Task<string> FocusCsvAsync(string tenantName, string month, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        return FocusExport.ToCsv(await GetAsync(tenantName, tenantId, month, cancellationToken), tenantId);
    }

    private async Task<StatementResponse> GetAsync(string tenantName, Guid tenantId, string month, CancellationToken cancellationToken)
    {
        var start = ParseMonth(month);
        var stored = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId && s.Month == start, cancellationToken);
        if (stored is not null)
        {
            return ToResponse(tenantName, stored);
        }

        if (Pricing.MonthStart(start) > clock.GetUtcNow())
        {
            throw new ResourceNotFoundException("statement", month);
        }

        var live = await LiveAsync(tenantId, start, fromRawEvents: false, cancellationToken);
        return ToResponse(tenantName, start, Open, live.Currency, live.Lines, null);
    }

    /// <summary>Operators close a month that has ended: computed from the raw events, stored, final.</summary>
    public async Task<StatementResponse> CloseAsync(string tenantName, string month, CancellationToken cancellationToken)
    {
        var start = ParseMonth(month);
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        if (Pricing.MonthEnd(start) > clock.GetUtcNow())
        {
            throw new ConflictException("month-not-ended", $"The month {month} has not ended yet; only ended months can be closed.");
        }

        var statement = await db.InTransactionAsync(async () => await CloseInTransactionAsync(tenantId, tenantName, start, cancellationToken)
            ?? throw new ConflictException("statement-closed", $"The statement of {month} is already closed."), cancellationToken);
        return ToResponse(tenantName, statement);
    }

    /// <summary>The months (first days) that ended more than the grace period ago and have usage (closed or not).</summary>
    public async Task<IReadOnlyList<(Guid TenantId, DateOnly Month)>> DueAsync(CancellationToken cancellationToken)
    {
        var due = Pricing.MonthStart(clock.GetUtcNow() - options.Value.StatementGracePeriod);
        return [.. (await usage.MonthsWithUsageAsync(null, due, cancellationToken)).Select(m => (m.TenantId, Pricing.MonthOf(m.Month)))];
    }

    /// <summary>Closes a due month unless it is closed already (run by the metering worker); true when this call closed it.</summary>
    public async Task<bool> CloseDueAsync(Guid tenantId, DateOnly month, CancellationToken cancellationToken)
    {
        if (await db.Statements.AnyAsync(s => s.TenantId == tenantId && s.Month == month, cancellationToken))
        {
            return false;
        }

        var name = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).FirstAsync(cancellationToken);
        return await db.InTransactionAsync(() => CloseInTransactionAsync(tenantId, name, month, cancellationToken), cancellationToken) is not null;
    }

    /// <summary>Recomputes a month from the raw events and compares it, line by line, with the stored (or live) statement.</summary>
    public async Task<StatementVerification> VerifyAsync(string tenantName, string month, CancellationToken cancellationToken)
    {
        var current = await GetAsync(tenantName, month, cancellationToken);
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var recomputed = await LiveAsync(tenantId, ParseMonth(month), fromRawEvents: true, cancellationToken);
        var lines = recomputed.Lines.Select(ToView).ToList();
        var matches = lines.Count == current.Lines.Count && lines.Zip(current.Lines).All(pair => Same(pair.First, pair.Second));
        return new StatementVerification(month, current.Status, current.Total, lines.Sum(l => l.Amount),
            matches && lines.Sum(l => l.Amount) == current.Total, recomputed.Events, lines);
    }

    /// <summary>Null when the month is already closed (by a concurrent closer).</summary>
    private async Task<Statement?> CloseInTransactionAsync(Guid tenantId, string tenantName, DateOnly month, CancellationToken cancellationToken)
    {
        // Exclusive: no usage of this tenant is being written while the month is computed and stored.
        await usage.LockTenantsAsync([tenantId], exclusive: true, cancellationToken);
        if (await db.Statements.AnyAsync(s => s.TenantId == tenantId && s.Month == month, cancellationToken))
        {
            return null;
        }

        var live = await LiveAsync(tenantId, month, fromRawEvents: true, cancellationToken);
        var statement = Statement.Close(tenantId, month, live.Currency, live.Lines, clock.GetUtcNow(), context.Caller.Subject);
        db.Statements.Add(statement);
        audit.Record("statement.close", $"tenants/{tenantName}/statements/{Format(month)}", tenantName,
            new Dictionary<string, string> { ["total"] = statement.Total.ToString(CultureInfo.InvariantCulture), ["currency"] = statement.Currency });
        await db.SaveChangesAsync(cancellationToken);
        return statement;
    }

    private async Task<(string Currency, IReadOnlyList<StatementLine> Lines, long Events)> LiveAsync(Guid tenantId, DateOnly month,
        bool fromRawEvents, CancellationToken cancellationToken)
    {
        var start = Pricing.MonthStart(month);
        var end = Pricing.MonthEnd(month);
        var schedule = await priceBook.ScheduleAsync(cancellationToken);
        var aggregates = await usage.AggregatesAsync(tenantId, start, end, fromRawEvents, cancellationToken);
        return (schedule.Currency ?? "USD", Pricing.Lines(Pricing.Price(aggregates, schedule), start, end), aggregates.Sum(a => a.Events));
    }

    public static DateOnly ParseMonth(string month) =>
        DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : throw new ValidationFailedException(new Dictionary<string, string[]> { ["month"] = ["must be yyyy-MM, e.g. 2026-11"] });


    private static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static bool Same(StatementLineView a, StatementLineView b) =>
        a.Meter == b.Meter && UsageDimensions.KeyOf(a.Dimensions) == UsageDimensions.KeyOf(b.Dimensions) && a.PriceBookVersion == b.PriceBookVersion
        && a.Quantity == b.Quantity && a.UnitPrice == b.UnitPrice && a.Amount == b.Amount;

    private static StatementResponse ToResponse(string tenant, Statement s) =>
        ToResponse(tenant, s.Month, Closed, s.Currency, s.Lines, s.ClosedAt);

    private static StatementResponse ToResponse(string tenant, DateOnly month, string status, string currency, IReadOnlyList<StatementLine> lines,
        DateTimeOffset? closedAt) =>
        new(tenant, Format(month), status, currency, Pricing.MonthStart(month), Pricing.MonthEnd(month), lines.Sum(l => l.Amount),
            [.. lines.Select(ToView)], closedAt);

    private static StatementLineView ToView(StatementLine l) =>
        new(l.Meter, l.Dimensions, l.PriceBookVersion, l.PeriodStart, l.PeriodEnd, l.Quantity, l.Unit, l.UnitPrice, l.Amount, l.Listed);
}
