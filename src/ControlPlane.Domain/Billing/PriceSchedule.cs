namespace ControlPlane.Domain.Billing;

/// <summary>The price a usage is charged at, and the book version and period it came from.</summary>
public sealed record AppliedPrice(int BookVersion, DateTimeOffset PeriodStart, DateTimeOffset? PeriodEnd, decimal UnitPrice, bool Listed);

/// <summary>
/// Every price-book version in time order. The price of a usage is taken from the version in force at the usage's time;
/// within it, the matching price with the most dimensions wins (e.g. gpuModel+capacityType+migProfile beats
/// gpuModel+capacityType beats gpuModel beats a meter-wide price with no dimensions); among equally specific matches the
/// one listed first wins. Usage no price matches (or before the first version) is priced at zero and marked unlisted.
/// </summary>
public sealed class PriceSchedule
{
    private readonly List<PriceBook> _books;

    public PriceSchedule(IEnumerable<PriceBook> books)
    {
        _books = [.. books.OrderBy(b => b.EffectiveFrom)];
    }

    public IReadOnlyList<PriceBook> Books => _books;

    /// <summary>The currency of the books (one for all versions); null before the first version.</summary>
    public string? Currency => _books.Count == 0 ? null : _books[^1].Currency;

    /// <summary>The version in force at <paramref name="at"/>, or null before the first.</summary>
    public PriceBook? InForce(DateTimeOffset at)
    {
        PriceBook? found = null;
        foreach (var book in _books)
        {
            if (book.EffectiveFrom > at)
            {
                break;
            }

            found = book;
        }

        return found;
    }

    public AppliedPrice PriceOf(string meter, IReadOnlyDictionary<string, string> dimensions, DateTimeOffset at)
    {
        var index = _books.FindLastIndex(b => b.EffectiveFrom <= at);
        if (index < 0)
        {
            return new AppliedPrice(0, DateTimeOffset.MinValue, _books.Count > 0 ? _books[0].EffectiveFrom : null, 0m, false);
        }

        var book = _books[index];
        DateTimeOffset? end = index + 1 < _books.Count ? _books[index + 1].EffectiveFrom : null;
        var best = MostSpecific(book.Prices, meter, dimensions);
        return best is null
            ? new AppliedPrice(book.Version, book.EffectiveFrom, end, 0m, false)
            : new AppliedPrice(book.Version, book.EffectiveFrom, end, best.UnitPrice, true);
    }

    public static Price? MostSpecific(IEnumerable<Price> prices, string meter, IReadOnlyDictionary<string, string> dimensions)
    {
        Price? best = null;
        foreach (var price in prices)
        {
            if (price.Matches(meter, dimensions) && (best is null || price.Dimensions.Count > best.Dimensions.Count))
            {
                best = price;
            }
        }

        return best;
    }
}
