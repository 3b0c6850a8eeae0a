using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Billing;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Quotas;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Quotas;

/// <summary>Reads a tenant's quotas and lets operators set limits.</summary>
public sealed class QuotaService(IControlPlaneDb db, CostService costs, AuditTrail audit, TimeProvider clock)
{
    public async Task<QuotaListResponse> ListAsync(string tenantName, CancellationToken cancellationToken)
    {
        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var quotas = await db.Quotas.AsNoTracking().Where(q => q.TenantId == tenantId)
            .OrderBy(q => q.Resource).ToListAsync(cancellationToken);
        return new QuotaListResponse(tenantName, await ToResponsesAsync(tenantId, quotas, cancellationToken));
    }

    public async Task<Versioned<QuotaResponse>> SetLimitAsync(string tenantName, string resource, SetQuotaRequest request,
        string? ifMatch, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!QuotaResource.IsValid(resource), "resource", QuotaResource.Rule);
        errors.AddIf(request.Limit is null, "limit", "is required");
        errors.AddIf(request.Limit < 0, "limit", "must not be negative");
        errors.ThrowIfAny();

        var tenantId = await db.RequireTenantIdAsync(tenantName, cancellationToken);
        var now = clock.GetUtcNow();
        var quota = await db.Quotas.FirstOrDefaultAsync(q => q.TenantId == tenantId && q.Resource == resource, cancellationToken);
        if (quota is null)
        {
            if (ifMatch is not null && ifMatch != "*")
            {
                throw new PreconditionFailedException("quota", resource);
            }

            quota = Quota.Create(tenantId, resource, request.Limit!.Value, now);
            db.Quotas.Add(quota);
        }
        else
        {
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, quota.Version))
            {
                throw new PreconditionFailedException("quota", resource);
            }

            quota.SetLimit(request.Limit!.Value, now);
        }

        audit.Record("quota.set", $"tenants/{tenantName}/quotas/{resource}", tenantName,
            new Dictionary<string, string> { ["limit"] = request.Limit!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(cancellationToken);
        return new((await ToResponsesAsync(tenantId, [quota], cancellationToken))[0], quota.Version);
    }

    /// <summary>
    /// Reservation quotas show what is reserved; the monthly ones have no reservations and show this month's use instead:
    /// spend.monthly in minor units and gpu-hours.monthly in whole hours (both rounded up), from the metered usage.
    /// </summary>
    private async Task<List<QuotaResponse>> ToResponsesAsync(Guid tenantId, IReadOnlyList<Quota> quotas, CancellationToken cancellationToken)
    {
        if (!quotas.Any(q => SpendGuard.MonthlyQuotas.Contains(q.Resource)))
        {
            return [.. quotas.Select(q => ToResponse(q, q.Used))];
        }

        var (spend, gpuSeconds, _) = await costs.MonthToDateAsync(tenantId, cancellationToken);
        return [.. quotas.Select(q => ToResponse(q, q.Resource switch
        {
            QuotaResource.SpendMonthly => (long)Math.Ceiling(spend * 100m),
            QuotaResource.GpuHoursMonthly => (long)Math.Ceiling(gpuSeconds / 3600m),
            _ => q.Used,
        }))];
    }

    private static QuotaResponse ToResponse(Quota q, long used) => new(q.Resource, q.Limit, used, Quota.PercentageOf(used, q.Limit), q.UpdatedAt);
}
