using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Billing;

/// <summary>Versions of the price book: appended by operators, never changed, read at any point in time.</summary>
public sealed class PriceBookService(IControlPlaneDb db, IPriceBookWriters writers, AuditTrail audit, ICallerContext caller, TimeProvider clock)
{
    private const int MaxPrices = 1000;

    /// <summary>Every version, for pricing usage at its own time.</summary>
    public async Task<PriceSchedule> ScheduleAsync(CancellationToken cancellationToken) =>
        new(await db.PriceBooks.AsNoTracking().ToListAsync(cancellationToken));

    public async Task<PriceBookResponse> PutAsync(PutPriceBookRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!PriceBook.IsCurrency(request.Currency), "currency", "must be an ISO 4217 code such as USD");
        errors.AddIf(request.EffectiveFrom is null, "effectiveFrom", "is required");
        errors.AddIf(request.EffectiveFrom is { } at && at.UtcTicks % TimeSpan.TicksPerHour != 0, "effectiveFrom",
            "must be on a whole hour (usage is priced per hour)");
        errors.AddIf(request.Prices is null || request.Prices.Count == 0, "prices", "must list at least one price");
        errors.AddIf(request.Prices?.Count > MaxPrices, "prices", $"must list at most {MaxPrices} prices");
        var prices = new List<Price>();
        for (var i = 0; i < (request.Prices?.Count ?? 0); i++)
        {
            var p = request.Prices![i];
            errors.AddIf(!Meters.IsKnown(p.Meter), $"prices[{i}].meter", Meters.Rule);
            errors.AddIf(p.UnitPrice is null, $"prices[{i}].unitPrice", "is required");
            errors.AddIf(p.UnitPrice is { } given && !UnitPrices.IsRepresentable(given), $"prices[{i}].unitPrice", UnitPrices.Rule);
            var dimensions = p.Dimensions ?? [];
            errors.AddIf(dimensions.Count > UsageDimensions.MaxCount, $"prices[{i}].dimensions", $"at most {UsageDimensions.MaxCount}");
            if (Meters.IsKnown(p.Meter) && p.UnitPrice is { } unitPrice)
            {
                var price = new Price(p.Meter!, new Dictionary<string, string>(dimensions, StringComparer.Ordinal), unitPrice);
                errors.AddIf(prices.Any(q => q.Meter == price.Meter && UsageDimensions.KeyOf(q.Dimensions) == UsageDimensions.KeyOf(price.Dimensions)),
                    $"prices[{i}]", "the same meter and dimensions are priced twice");
                prices.Add(price);
            }
        }

        errors.ThrowIfAny();
        var effectiveFrom = request.EffectiveFrom!.Value.ToUniversalTime();
        return await db.InTransactionAsync(async () =>
        {
            // One writer at a time, so versions are numbered and ordered without gaps.
            await writers.TakeTurnAsync(cancellationToken);
            var latest = await db.PriceBooks.AsNoTracking().OrderByDescending(b => b.Version).FirstOrDefaultAsync(cancellationToken);
            var now = clock.GetUtcNow();
            if (latest is not null)
            {
                if (!string.Equals(latest.Currency, request.Currency, StringComparison.Ordinal))
                {
                    throw new ConflictException("currency-mismatch", $"The price book is in {latest.Currency}; a new version must use it too.");
                }

                if (effectiveFrom <= latest.EffectiveFrom)
                {
                    throw new ConflictException("price-book-in-the-past",
                        $"effectiveFrom must be after the latest version's ({latest.EffectiveFrom:O}).");
                }

                if (effectiveFrom < now)
                {
                    throw new ConflictException("price-book-in-the-past",
                        "effectiveFrom is in the past: a price change never rewrites usage that already happened.");
                }
            }

            var lastClosed = await db.Statements.Select(s => (DateOnly?)s.Month).MaxAsync(cancellationToken);
            if (lastClosed is { } month && effectiveFrom < Pricing.MonthEnd(month))
            {
                throw new ConflictException("price-book-in-the-past", $"effectiveFrom falls in or before a closed month ({month:yyyy-MM}).");
            }

            var book = PriceBook.Create((latest?.Version ?? 0) + 1, request.Currency!, effectiveFrom, prices, now, caller.Caller.Subject);
            db.PriceBooks.Add(book);
            audit.Record("price-book.create", $"price-book/{book.Version}", null, new Dictionary<string, string>
            {
                ["effectiveFrom"] = effectiveFrom.ToString("O", CultureInfo.InvariantCulture),
                ["prices"] = prices.Count.ToString(CultureInfo.InvariantCulture),
            });
            await db.SaveChangesAsync(cancellationToken);
            return ToResponse(book, null);
        }, cancellationToken);
    }

    /// <summary>The version in force at <paramref name="at"/> (now by default).</summary>
    public async Task<PriceBookResponse> GetAsync(DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var schedule = await ScheduleAsync(cancellationToken);
        var book = schedule.InForce(at ?? clock.GetUtcNow())
            ?? throw new ResourceNotFoundException("price book", at is null ? "in force now" : $"in force at {at:O}");
        return ToResponse(book, schedule.Books.FirstOrDefault(b => b.EffectiveFrom > book.EffectiveFrom)?.EffectiveFrom);
    }

    public async Task<PriceBookHistoryResponse> HistoryAsync(CancellationToken cancellationToken)
    {
        var books = (await ScheduleAsync(cancellationToken)).Books;
        return new PriceBookHistoryResponse([.. books.Select((b, i) => ToResponse(b, i + 1 < books.Count ? books[i + 1].EffectiveFrom : null))]);
    }

    private static PriceBookResponse ToResponse(PriceBook book, DateTimeOffset? until) => new(book.Version, book.Currency, book.EffectiveFrom,
        until, [.. book.Prices.Select(p => new PriceView(p.Meter, p.Dimensions, p.UnitPrice, Meters.Units[p.Meter]))], book.CreatedAt, book.CreatedBy);
}
