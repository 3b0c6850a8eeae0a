using ControlPlane.Application.Slos;
using ControlPlane.Domain.Slos;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Slos;

internal sealed class PostgresSloLocks(ControlPlaneDbContext db) : ISloLocks
{
    public Task<Slo?> LockAsync(Guid tenantId, string name, CancellationToken cancellationToken) =>
        db.Slos.FromSql($"SELECT s.*, s.xmin FROM slos s WHERE s.tenant_id = {tenantId} AND s.name = {name} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
}
