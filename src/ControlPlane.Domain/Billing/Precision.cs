namespace ControlPlane.Domain.Billing;

/// <summary>
/// Usage quantities have a bounded scale: at most <see cref="Scale"/> decimals (a micro-unit: a microsecond of a GPU, a
/// millionth of a byte-hour) and below <see cref="Max"/> per event. Their hourly sums (below 10^22, numeric(28,6)) and
/// their products with a unit price (below 10^28) are therefore always exact .NET decimals: no read can overflow.
/// </summary>
public static class Quantities
{
    public const int Scale = 6;

    /// <summary>Exclusive upper bound of one event's quantity (a petabyte of egress, 10^15 tokens).</summary>
    public const decimal Max = 1_000_000_000_000_000m;

    /// <summary>The column of one event's quantity: below <see cref="Max"/>, <see cref="Scale"/> decimals.</summary>
    public const string EventColumn = "numeric(21,6)";

    /// <summary>The column of an hourly rollup row: room for 10^7 events of the largest quantity in one hour.</summary>
    public const string SumColumn = "numeric(28,6)";

    /// <summary>The one rounding of a measured quantity (system metering), half away from zero.</summary>
    public static decimal Round(decimal quantity) => Math.Round(quantity, Scale, MidpointRounding.AwayFromZero);

    /// <summary>True when <paramref name="quantity"/> is stored exactly: non-negative, below <see cref="Max"/>, at most <see cref="Scale"/> decimals.</summary>
    public static bool IsRepresentable(decimal quantity) => quantity >= 0 && quantity < Max && quantity == Round(quantity);

    public static string Rule => $"must be a number from 0 to below 10^15 with at most {Scale} decimals";
}

/// <summary>
/// Unit prices: at most <see cref="Scale"/> decimals (a price per byte-hour is around 10^-14) and below <see cref="Max"/>,
/// so a price times the largest hourly quantity stays below 10^28 and is an exact decimal.
/// </summary>
public static class UnitPrices
{
    public const int Scale = 18;

    /// <summary>Exclusive upper bound of a unit price, in the price book's currency.</summary>
    public const decimal Max = 1_000_000m;

    public static bool IsRepresentable(decimal price) =>
        price >= 0 && price < Max && price == Math.Round(price, Scale, MidpointRounding.AwayFromZero);

    public static string Rule => $"must be a number from 0 to below 10^6 with at most {Scale} decimals";
}

/// <summary>The earliest usage time the system accepts or reports on (hours are binned from this origin too).</summary>
public static class UsageTime
{
    public static readonly DateTimeOffset Earliest = Common.SupportedTime.Earliest;
}
