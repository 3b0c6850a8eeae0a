using ControlPlane.Application.Models;
using ControlPlane.Domain.Models;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Models;

internal sealed class PostgresModelLocks(ControlPlaneDbContext db) : IModelLocks
{
    public Task<Model?> LockModelAsync(string tenantName, string modelName, CancellationToken cancellationToken) =>
        db.Models.FromSql($"SELECT m.*, m.xmin FROM models m WHERE m.tenant = {tenantName} AND m.name = {modelName} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);

    public Task<ModelVersion> LockVersionAsync(Guid versionId, CancellationToken cancellationToken) =>
        db.ModelVersions.FromSql($"SELECT v.* FROM model_versions v WHERE v.id = {versionId} FOR UPDATE").FirstAsync(cancellationToken);
}
