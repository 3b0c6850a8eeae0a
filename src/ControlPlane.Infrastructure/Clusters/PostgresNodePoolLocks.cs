using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Clusters;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Clusters;

internal sealed class PostgresNodePoolLocks(ControlPlaneDbContext db) : INodePoolLocks
{
    public Task<NodePool?> LockAsync(Guid clusterId, string name, CancellationToken cancellationToken) =>
        db.NodePools.FromSql($"SELECT p.*, p.xmin FROM node_pools p WHERE p.cluster_id = {clusterId} AND p.name = {name} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
}
