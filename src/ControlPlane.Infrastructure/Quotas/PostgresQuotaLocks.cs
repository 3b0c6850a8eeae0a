using ControlPlane.Application.Quotas;
using ControlPlane.Domain.Quotas;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Quotas;

internal sealed class PostgresQuotaLocks(ControlPlaneDbContext db) : IQuotaLocks
{
    public async Task<Dictionary<string, Quota>> LockAsync(Guid tenantId, IReadOnlyCollection<string>? resources, CancellationToken cancellationToken)
    {
        var rows = resources is null
            ? db.Quotas.FromSql($"SELECT q.*, q.xmin FROM quotas q WHERE q.tenant_id = {tenantId} ORDER BY q.resource FOR UPDATE")
            : db.Quotas.FromSql(
                $"SELECT q.*, q.xmin FROM quotas q WHERE q.tenant_id = {tenantId} AND q.resource = ANY({resources.Distinct().ToArray()}) ORDER BY q.resource FOR UPDATE");
        return await rows.ToDictionaryAsync(q => q.Resource, StringComparer.Ordinal, cancellationToken);
    }
}
