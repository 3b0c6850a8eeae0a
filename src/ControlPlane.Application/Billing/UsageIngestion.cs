using System.Globalization;
using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Application.Billing;

/// <summary>
/// Takes batches of usage events: validates each one on its own (a bad event never rejects the good ones), then stores
/// the valid ones in one transaction through <see cref="IUsageStore"/>, exactly once per (tenant, source, id).
/// </summary>
public sealed class UsageIngestion(IControlPlaneDb db, IUsageStore store, ICallerContext context, IOptions<BillingOptions> options,
    BillingMetrics metrics, TimeProvider clock)
{
    private const int MaxTextLength = 256;

    public async Task<UsageBatchResponse> IngestAsync(UsageBatchRequest request, CancellationToken cancellationToken)
    {
        var tenantName = TenantOf(request);
        var tenant = await db.Tenants.Where(t => t.Name == tenantName).Select(t => new { t.Id, t.CreatedAt }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ResourceNotFoundException("tenant", tenantName);
        var tenantId = tenant.Id;
        var events = request.Events ?? [];
        var now = clock.GetUtcNow();
        var subjects = events.Select(e => e?.Subject).OfType<string>().Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var placements = subjects.Count == 0
            ? []
            : (await db.Placements.Where(p => p.TenantId == tenantId && subjects.Contains(p.Name)).Select(p => p.Name).Distinct()
                .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var errors = new List<UsageEventError>();
        var valid = new List<(int Index, UsageRecord Record)>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var detail = Validate(e, placements, (Earliest(tenant.CreatedAt), now), out var record, tenantId);
            if (detail is null)
            {
                valid.Add((i, record!));
            }
            else
            {
                errors.Add(new UsageEventError(i, e?.Id, e?.Type, detail));
            }
        }

        var accepted = await db.InTransactionAsync(async () =>
        {
            await store.LockTenantsAsync([tenantId], exclusive: false, cancellationToken);
            var closedUntil = await ClosedUntilAsync([tenantId], cancellationToken);
            var open = new List<UsageRecord>();
            foreach (var (index, record) in valid)
            {
                if (closedUntil.TryGetValue(tenantId, out var until) && record.Time < until)
                {
                    errors.Add(new UsageEventError(index, record.Id, record.Meter,
                        $"time is in a closed statement month (usage before {until:yyyy-MM-dd} is final)"));
                }
                else
                {
                    open.Add(record);
                }
            }

            var stored = open.Count == 0 ? 0 : await store.AppendAsync(open, cancellationToken);
            return (Stored: stored, Valid: open.Count);
        }, cancellationToken);

        metrics.Ingested(accepted.Stored, accepted.Valid - accepted.Stored, errors.Count);
        return new UsageBatchResponse(accepted.Stored, accepted.Valid - accepted.Stored, [.. errors.OrderBy(e => e.Index)]);
    }

    /// <summary>
    /// Stores usage the system measured itself (already valid, deterministic ids): the same idempotent path, in the
    /// caller's transaction. Usage in a closed month is dropped. Returns how many events were new.
    /// </summary>
    public async Task<int> StoreSystemUsageAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return 0;
        }

        var tenants = records.Select(r => r.TenantId).Distinct().ToList();
        await store.LockTenantsAsync(tenants, exclusive: false, cancellationToken);
        var closedUntil = await ClosedUntilAsync(tenants, cancellationToken);
        var open = records.Where(r => !closedUntil.TryGetValue(r.TenantId, out var until) || r.Time >= until).ToList();
        var stored = open.Count == 0 ? 0 : await store.AppendAsync(open, cancellationToken);
        metrics.Ingested(stored, open.Count - stored, 0);
        return stored;
    }

    /// <summary>Per tenant, the end of its latest closed month: usage before it is final.</summary>
    private async Task<Dictionary<Guid, DateTimeOffset>> ClosedUntilAsync(IReadOnlyCollection<Guid> tenants, CancellationToken cancellationToken) =>
        (await db.Statements.Where(s => tenants.Contains(s.TenantId)).GroupBy(s => s.TenantId)
            .Select(g => new { TenantId = g.Key, Month = g.Max(s => s.Month) }).ToListAsync(cancellationToken))
        .ToDictionary(x => x.TenantId, x => Pricing.MonthEnd(x.Month));

    private string TenantOf(UsageBatchRequest request)
    {
        var caller = context.Caller;
        if (caller.IsOperator)
        {
            return string.IsNullOrEmpty(request.Tenant)
                ? throw new ValidationFailedException(new Dictionary<string, string[]> { ["tenant"] = ["is required when an operator posts usage"] })
                : request.Tenant;
        }

        // A tenant principal naming another tenant sees exactly what a missing tenant looks like.
        if (request.Tenant is not null && !string.Equals(request.Tenant, caller.Tenant, StringComparison.Ordinal))
        {
            throw new ResourceNotFoundException("tenant", request.Tenant);
        }

        // The endpoint's policy already requires the developer role or higher.
        return caller.Tenant ?? throw new ResourceNotFoundException("tenant", "");
    }

    /// <summary>
    /// Usage may not predate the tenant (less the sender's clock skew) nor the billing epoch: year 1 would otherwise be
    /// binned to an hour PostgreSQL calls -infinity, and no statement could ever show it.
    /// </summary>
    private DateTimeOffset Earliest(DateTimeOffset tenantCreatedAt)
    {
        var created = tenantCreatedAt - options.Value.MaxFutureSkew;
        return created > UsageTime.Earliest ? created : UsageTime.Earliest;
    }

    private string? Validate(UsageEventRequest? e, HashSet<string> placements, (DateTimeOffset Earliest, DateTimeOffset Now) window,
        out UsageRecord? record, Guid tenantId)
    {
        record = null;
        if (e is null)
        {
            return "event is null";
        }

        if (string.IsNullOrEmpty(e.Id) || e.Id.Length > MaxTextLength)
        {
            return $"id is required (at most {MaxTextLength} characters)";
        }

        if (string.IsNullOrEmpty(e.Source) || e.Source.Length > MaxTextLength)
        {
            return $"source is required (at most {MaxTextLength} characters)";
        }

        if (!Meters.IsKnown(e.Type))
        {
            return $"type '{e.Type}' is not a meter: {Meters.Rule}";
        }

        if (!string.IsNullOrEmpty(e.Subject) && !placements.Contains(e.Subject))
        {
            return $"subject '{e.Subject}' is not a placement of this tenant";
        }

        if (e.Time is null || !DateTimeOffset.TryParse(e.Time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time)
            || !e.Time.Contains('T', StringComparison.Ordinal))
        {
            return "time must be an RFC 3339 timestamp";
        }

        if (time > window.Now + options.Value.MaxFutureSkew)
        {
            return $"time is more than {options.Value.MaxFutureSkew} in the future";
        }

        if (time < window.Earliest)
        {
            return $"time is before the tenant existed ({window.Earliest:O}); usage before it (and before {UsageTime.Earliest:yyyy-MM-dd}) is refused";
        }

        if (e.Data is null)
        {
            return "data is required";
        }

        // A number a decimal cannot hold exactly (2^96, 27 decimals, 1e-30 read as 0) is refused, never rounded into
        // something the sender did not send.
        if (e.Data.Quantity.ValueKind != JsonValueKind.Number || !e.Data.Quantity.TryGetDecimal(out var quantity)
            || !Quantities.IsRepresentable(quantity) || (quantity == 0 && HasNonZeroDigit(e.Data.Quantity.GetRawText())))
        {
            return "data.quantity " + Quantities.Rule;
        }

        var dimensions = e.Data.Dimensions ?? [];
        if (dimensions.Count > UsageDimensions.MaxCount
            || dimensions.Any(d => d.Key.Length is 0 or > UsageDimensions.MaxLength || d.Key.Contains('=', StringComparison.Ordinal)
                || d.Value is null || d.Value.Length > UsageDimensions.MaxLength || HasControl(d.Key) || HasControl(d.Value)))
        {
            return $"data.dimensions: at most {UsageDimensions.MaxCount}; names (without '=') and values of at most "
                + $"{UsageDimensions.MaxLength} characters, no control characters";
        }

        if (dimensions.TryGetValue(UsageDimensions.Variant, out var variant) && !UsageVariants.IsKnown(variant))
        {
            return $"data.dimensions.variant: {UsageVariants.Stable} or {UsageVariants.Canary} (the variant of a placement under rollout)";
        }

        record = new UsageRecord(tenantId, e.Source, e.Id, e.Type!, e.Subject ?? "", time.ToUniversalTime(), quantity,
            new Dictionary<string, string>(dimensions, StringComparer.Ordinal));
        return null;
    }

    /// <summary>char.IsControl over the text, as two vectorised range scans (every dimension of every event passes here).</summary>
    private static bool HasControl(string text) =>
        text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.AsSpan().ContainsAnyInRange('\u007f', '\u009f');

    /// <summary>True when the mantissa of a JSON number (the part before any exponent) has a digit other than 0.</summary>
    private static bool HasNonZeroDigit(string number)
    {
        var exponent = number.AsSpan().IndexOfAny('e', 'E');
        return (exponent < 0 ? number.AsSpan() : number.AsSpan(0, exponent)).IndexOfAny("123456789") >= 0;
    }
}
