using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Billing;

/// <summary>
/// One immutable version of the price book: the complete set of unit prices in force from <see cref="EffectiveFrom"/>
/// until the next version's. A change is a new version, so usage is always priced with what was in force when it happened.
/// </summary>
public sealed partial class PriceBook
{
    private PriceBook()
    {
    }

    public int Version { get; private set; }
    public string Currency { get; private set; } = "";
    public DateTimeOffset EffectiveFrom { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public List<Price> Prices { get; private set; } = [];

    public static PriceBook Create(int version, string currency, DateTimeOffset effectiveFrom, IEnumerable<Price> prices, DateTimeOffset now,
        string createdBy) => new()
    {
        Version = version,
        Currency = currency,
        EffectiveFrom = effectiveFrom,
        CreatedAt = now,
        CreatedBy = createdBy,
        Prices = [.. prices],
    };

    /// <summary>ISO 4217 alphabetic code.</summary>
    public static bool IsCurrency(string? code) => code is not null && CurrencyCode().IsMatch(code);

    [GeneratedRegex("^[A-Z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyCode();
}

/// <summary>A unit price of one meter for usage whose dimensions include all of <see cref="Dimensions"/>.</summary>
public sealed record Price(string Meter, IReadOnlyDictionary<string, string> Dimensions, decimal UnitPrice)
{
    /// <summary>True when the usage carries every dimension of this price with the same value.</summary>
    public bool Matches(string meter, IReadOnlyDictionary<string, string> usage) =>
        string.Equals(meter, Meter, StringComparison.Ordinal)
        && Dimensions.All(d => usage.TryGetValue(d.Key, out var value) && string.Equals(value, d.Value, StringComparison.Ordinal));
}
