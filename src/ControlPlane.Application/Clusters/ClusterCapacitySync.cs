using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Domain.Clusters;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Clusters;

/// <summary>
/// Reads a cluster's Nodes and updates its pools' capacity: a node belongs to a pool when it carries all of the pool's
/// labels; ready nodes are counted, GPUs per node and MIG slices come from allocatable nvidia.com/gpu and nvidia.com/mig-*.
/// </summary>
public sealed class ClusterCapacitySync(IControlPlaneDb db, IClusterGateway gateway, ClusterConnections connections, AuditTrail audit,
    TimeProvider clock)
{
    public async Task<ClusterResponse> SyncAsync(string clusterName, CancellationToken cancellationToken)
    {
        var cluster = await db.Clusters.FirstOrDefaultAsync(c => c.Name == clusterName, cancellationToken)
            ?? throw new Common.ResourceNotFoundException("cluster", clusterName);
        await SyncAsync(cluster, cancellationToken);
        audit.Record("cluster.sync", $"clusters/{clusterName}", null);
        await db.SaveChangesAsync(cancellationToken);
        return ClusterService.ToResponse(cluster);
    }

    /// <summary>Every cluster, for the periodic sync: each is then synced in a scope of its own.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> ClustersAsync(CancellationToken cancellationToken) =>
        (await db.Clusters.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken))
        .Select(c => (c.Id, c.Name)).ToList();

    /// <summary>
    /// One cluster's periodic sync. The outcome is recorded on the cluster (status.lastSyncError); a failure is then
    /// rethrown, so that the worker counts it.
    /// </summary>
    public async Task SyncScheduledAsync(Guid clusterId, CancellationToken cancellationToken)
    {
        var cluster = await db.Clusters.FirstOrDefaultAsync(c => c.Id == clusterId, cancellationToken);
        if (cluster is null)
        {
            return; // deleted since the pass listed it
        }

        var failure = await SyncAsync(cluster, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>Reads the Nodes and updates the pools; returns the cluster's error (recorded on it) when it could not be read.</summary>
    private async Task<Exception?> SyncAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<ClusterNode> nodes;
        try
        {
            nodes = await gateway.ListNodesAsync(connections.For(cluster), cancellationToken);
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterRejectedException)
        {
            cluster.SyncFailed(ex.Message, now);
            return ex;
        }

        foreach (var pool in await db.NodePools.Where(p => p.ClusterId == cluster.Id).ToListAsync(cancellationToken))
        {
            var members = nodes.Where(n => n.Ready && pool.Labels.Count > 0
                && pool.Labels.All(label => n.Labels.TryGetValue(label.Key, out var value) && value == label.Value)).ToList();
            if (members.Count == 0)
            {
                continue; // no node carries the pool's labels: keep the declared shape rather than zero it
            }

            var gpusPerNode = (int)members.Max(n => n.AllocatableGpus);
            var migLayout = members.SelectMany(n => n.AllocatableMigSlices).GroupBy(s => s.Key)
                .Select(g => new MigLayout(g.Key, (int)Math.Max(1, g.Max(s => s.Value) / Math.Max(1, gpusPerNode > 0 ? gpusPerNode : pool.GpusPerNode))))
                .ToList();
            pool.ObservedCapacity(members.Count, gpusPerNode > 0 ? gpusPerNode : pool.GpusPerNode, migLayout, now);
        }

        cluster.Synced(now);
        return null;
    }
}
