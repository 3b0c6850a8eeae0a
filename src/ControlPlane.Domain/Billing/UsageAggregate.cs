namespace ControlPlane.Domain.Billing;

/// <summary>Usage summed per tenant, meter, dimension set, subject and hour (the rollup, or raw events grouped the same way).</summary>
public sealed record UsageAggregate(
    Guid TenantId, string Meter, IReadOnlyDictionary<string, string> Dimensions, string Subject, DateTimeOffset Hour, decimal Quantity, long Events);

/// <summary>A usage aggregate with the price in force at its time; <see cref="Cost"/> is exact (not rounded).</summary>
public sealed record PricedUsage(UsageAggregate Usage, AppliedPrice Price)
{
    public decimal Cost => Usage.Quantity * Price.UnitPrice;
}

/// <summary>One line of a statement: a meter, a dimension set and a price period, with what it cost.</summary>
public sealed record StatementLine(
    string Meter, IReadOnlyDictionary<string, string> Dimensions, int PriceBookVersion, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    decimal Quantity, string Unit, decimal UnitPrice, decimal Amount, bool Listed);

/// <summary>Prices usage and folds it into statement lines. Pure: the same usage and books always give the same cents.</summary>
public static class Pricing
{
    public static IEnumerable<PricedUsage> Price(IEnumerable<UsageAggregate> usage, PriceSchedule schedule) =>
        usage.Select(u => new PricedUsage(u, schedule.PriceOf(u.Meter, u.Dimensions, u.Hour)));

    /// <summary>
    /// One line per (meter, dimensions, price-book version), its period clipped to [monthStart, monthEnd). Each line's
    /// amount is its quantity × unit price rounded to the cent; the total is the sum of the lines.
    /// </summary>
    public static IReadOnlyList<StatementLine> Lines(IEnumerable<PricedUsage> priced, DateTimeOffset monthStart, DateTimeOffset monthEnd) =>
        [.. priced
            .GroupBy(p => (p.Usage.Meter, Key: UsageDimensions.KeyOf(p.Usage.Dimensions), p.Price.BookVersion))
            .Select(g =>
            {
                var first = g.First();
                var quantity = g.Sum(p => p.Usage.Quantity);
                var start = first.Price.PeriodStart < monthStart ? monthStart : first.Price.PeriodStart;
                var end = first.Price.PeriodEnd is { } e && e < monthEnd ? e : monthEnd;
                return new StatementLine(g.Key.Meter, first.Usage.Dimensions, g.Key.BookVersion, start, end, quantity,
                    Meters.Units.GetValueOrDefault(g.Key.Meter, "Units"), first.Price.UnitPrice, Money.Round(quantity * first.Price.UnitPrice),
                    first.Price.Listed);
            })
            .OrderBy(l => l.Meter, StringComparer.Ordinal).ThenBy(l => UsageDimensions.KeyOf(l.Dimensions), StringComparer.Ordinal)
            .ThenBy(l => l.PeriodStart)];

    /// <summary>The first instant of the month <paramref name="at"/> falls in (UTC).</summary>
    public static DateTimeOffset MonthStart(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The month <paramref name="at"/> falls in (UTC), as its first day.</summary>
    public static DateOnly MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1);

    /// <summary>The first instant of <paramref name="month"/> (UTC).</summary>
    public static DateTimeOffset MonthStart(DateOnly month) => new(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first instant after <paramref name="month"/> (UTC): months are [start, end).</summary>
    public static DateTimeOffset MonthEnd(DateOnly month) => MonthStart(month).AddMonths(1);
}
