using ControlPlane.Application.Placements;
using ControlPlane.Domain.Placements;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Placements;

internal sealed class PostgresPlacementLocks(ControlPlaneDbContext db) : IPlacementLocks
{
    // Phases are stored by name; the finished ones come from the Domain's list, not from a second copy here.
    private static readonly string[] Finished = [.. PlacementPhases.Finished.Select(p => p.ToString())];

    public Task<Placement?> LockLiveAsync(Guid tenantId, string name, CancellationToken cancellationToken) =>
        db.Placements.FromSql(
                $"SELECT p.*, p.xmin FROM placements p WHERE p.tenant_id = {tenantId} AND p.name = {name} AND p.phase <> ALL({Finished}) FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
}
