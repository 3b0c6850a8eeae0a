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
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
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
            var detail = Validate(e, placements, now, out var record, tenantId);
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

    private string? Validate(UsageEventRequest? e, HashSet<string> placements, DateTimeOffset now, out UsageRecord? record, Guid tenantId)
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

        if (time > now + options.Value.MaxFutureSkew)
        {
            return $"time is more than {options.Value.MaxFutureSkew} in the future";
        }

        if (e.Data is null)
        {
            return "data is required";
        }

        if (e.Data.Quantity.ValueKind != JsonValueKind.Number || !e.Data.Quantity.TryGetDecimal(out var quantity))
        {
            return "data.quantity must be a finite number";
        }

        if (quantity < 0)
        {
            return "data.quantity must not be negative";
        }

        var dimensions = e.Data.Dimensions ?? [];
        if (dimensions.Count > UsageDimensions.MaxCount
            || dimensions.Any(d => d.Key.Length is 0 or > UsageDimensions.MaxLength || d.Key.Contains('=', StringComparison.Ordinal)
                || d.Value is null || d.Value.Length > UsageDimensions.MaxLength || d.Key.Any(char.IsControl) || d.Value.Any(char.IsControl)))
        {
            return $"data.dimensions: at most {UsageDimensions.MaxCount}; names (without '=') and values of at most "
                + $"{UsageDimensions.MaxLength} characters, no control characters";
        }

        record = new UsageRecord(tenantId, e.Source, e.Id, e.Type!, e.Subject ?? "", time.ToUniversalTime(), quantity,
            new Dictionary<string, string>(dimensions, StringComparer.Ordinal));
        return null;
    }
}
