using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Audit;

/// <summary>Reads the audit trail, newest first. Operators see everything; a tenant admin only its own tenant.</summary>
public sealed class AuditQueries(IControlPlaneDb db, ICallerContext context)
{
    public async Task<Page<AuditEventResponse>> ListAsync(AuditEventFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        var caller = context.Caller;
        var tenant = filter.Tenant;
        if (!caller.IsOperator)
        {
            // A tenant admin asking for another tenant gets what a name that does not exist gets.
            if (tenant is not null && tenant != caller.Tenant)
            {
                throw new ResourceNotFoundException("tenant", tenant);
            }

            tenant = caller.Tenant;
        }

        var query = db.AuditEvents.AsNoTracking();
        if (tenant is not null)
        {
            query = query.Where(e => e.Tenant == tenant);
        }

        if (filter.Actor is not null)
        {
            query = query.Where(e => e.Actor == filter.Actor);
        }

        if (filter.Action is { } action)
        {
            query = action.EndsWith('.')
                ? query.Where(e => e.Action.StartsWith(action))
                : query.Where(e => e.Action == action);
        }

        if (filter.From is { } from)
        {
            query = query.Where(e => e.Time >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(e => e.Time < to);
        }

        if (page.After is not null)
        {
            if (!long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out var afterId))
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["pageToken"] = ["is not a token this API issued"] });
            }

            query = query.Where(e => e.Id < afterId);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, e => e.Id.ToString(CultureInfo.InvariantCulture),
            e => new AuditEventResponse(e.Id, e.Time, e.Actor, e.Tenant, e.Action, e.Target, e.Outcome, e.RequestId, e.Details));
    }
}
