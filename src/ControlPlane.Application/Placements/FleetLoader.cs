using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Placements;

/// <summary>The scheduler's snapshot of every pool, and where each (cluster, pool) lives in the database.</summary>
public sealed record Fleet(FleetSnapshot Snapshot, IReadOnlyDictionary<(string Cluster, string Pool), (Guid ClusterId, Guid PoolId)> Ids);

/// <summary>Reads every node pool with its cluster into the scheduler's snapshot, or hands out this replica's cached one.</summary>
public sealed class FleetLoader(IControlPlaneDb db, FleetCache cache)
{
    /// <summary>
    /// The cached snapshot while it is current; read afresh when the fleet's shape changed since (any replica), when it
    /// is older than <see cref="FleetCache.MaxAge"/>, or when the caller found <paramref name="stale"/> out of date.
    /// </summary>
    public Task<Fleet> CurrentAsync(Fleet? stale, CancellationToken cancellationToken) => cache.CurrentAsync(LoadAsync, stale, cancellationToken);

    /// <summary>The fleet as the database holds it now.</summary>
    public async Task<Fleet> LoadAsync(CancellationToken cancellationToken)
    {
        var rows = await db.NodePools.AsNoTracking()
            .Join(db.Clusters.AsNoTracking(), p => p.ClusterId, c => c.Id, (pool, cluster) => new { pool, cluster })
            .ToListAsync(cancellationToken);
        var clusters = rows.Select(r => r.cluster).DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => new ClusterSnapshot
        {
            Name = c.Name,
            Region = c.Region,
            DedicatedTenant = c.DedicatedTenant,
            Available = c.Reachable,
        });
        var snapshot = new FleetSnapshot(rows.Where(r => r.pool.GpusPerNode > 0).Select(r => new NodePoolSnapshot
        {
            Cluster = clusters[r.cluster.Id],
            Name = r.pool.Name,
            GpuModel = r.pool.GpuModel,
            GpusPerNode = r.pool.GpusPerNode,
            NodeCount = r.pool.NodeCount,
            AllocatedGpus = r.pool.AllocatedGpus,
            MigProfiles = [.. r.pool.MigProfiles.Select(m => new MigProfileCapacity(m.Profile, m.PerGpu,
                r.pool.AllocatedMigSlices.GetValueOrDefault(m.Profile)))],
            CapacityType = r.pool.CapacityType,
            Purposes = r.pool.Purposes,
            RuntimeClasses = r.pool.RuntimeClasses,
            MissingRuntimeClasses = r.pool.MissingRuntimeClasses,
            DedicatedTenant = r.pool.DedicatedTenant,
            PricePerGpuHour = r.pool.PricePerGpuHour,
        }));
        return new Fleet(snapshot, rows.ToDictionary(r => (r.cluster.Name, r.pool.Name), r => (r.cluster.Id, r.pool.Id)));
    }
}
