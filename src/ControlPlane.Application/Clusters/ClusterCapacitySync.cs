using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Domain.Clusters;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Clusters;

/// <summary>
/// Keeps the control plane's view of a cluster true: first re-applies the cluster-scoped objects it owns (PriorityClasses,
/// repairing drift), then reads the Nodes and RuntimeClasses. A node belongs to a pool when it carries all of the pool's
/// labels; only ready, uncordoned nodes count, GPUs per node and MIG slices come from allocatable nvidia.com/gpu and
/// nvidia.com/mig-*. A pool whose declared runtime class the cluster lacks becomes unschedulable, with the reason.
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
        IReadOnlySet<string> runtimeClasses;
        try
        {
            var connection = connections.For(cluster);
            await gateway.ApplyClusterObjectsAsync(connection, ControlPlanePriorityClasses.All, cancellationToken);
            nodes = await gateway.ListNodesAsync(connection, cancellationToken);
            runtimeClasses = await gateway.ListRuntimeClassesAsync(connection, cancellationToken);
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or ClusterRejectedException)
        {
            cluster.SyncFailed(ex.Message, now);
            return ex;
        }

        foreach (var pool in await db.NodePools.Where(p => p.ClusterId == cluster.Id).ToListAsync(cancellationToken))
        {
            pool.ObservedRuntimeClasses(runtimeClasses, now);
            var labelled = nodes.Where(n => pool.Labels.Count > 0
                && pool.Labels.All(label => n.Labels.TryGetValue(label.Key, out var value) && value == label.Value)).ToList();
            if (labelled.Count == 0)
            {
                continue; // no node carries the pool's labels: keep the declared shape rather than zero it
            }

            var members = labelled.Where(n => n.Schedulable).ToList();
            if (members.Count == 0)
            {
                pool.ObservedCapacity(0, pool.GpusPerNode, [], now); // every node is NotReady or cordoned: nothing to place on
                continue;
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
