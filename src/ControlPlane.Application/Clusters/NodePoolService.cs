using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Clusters;

/// <summary>Operators declare the node pools of each cluster; the scheduler places GPU requests on them.</summary>
public sealed class NodePoolService(IControlPlaneDb db, INodePoolLocks locks, ClusterService clusters, AuditTrail audit, TimeProvider clock)
{
    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public async Task<Versioned<NodePoolResponse>> CreateAsync(string clusterName, CreateNodePoolRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        errors.AddIf(!QuotaResource.IsValid(QuotaResource.GpuPrefix + request.GpuModel), "gpuModel", "a GPU model such as h100 or a100-80gb (lower case)");
        errors.AddIf(request.GpuMemoryGiB is null or < 1 or > 1024, "gpuMemoryGiB", "is required and must be between 1 and 1024");
        // Omitted counts are refused, not read as 0: -1 fails the shape's range checks below.
        var shape = new NodePoolShape(request.GpuModel ?? "", request.GpuMemoryGiB ?? 0, request.GpusPerNode ?? -1, request.NodeCount ?? -1,
            request.MigProfiles ?? [], request.CapacityType ?? CapacityType.OnDemand, request.Purposes ?? [], request.Taints ?? [],
            request.Labels ?? new Dictionary<string, string>(), request.RuntimeClasses ?? [], request.DedicatedTenant,
            request.PricePerGpuHour ?? -1);
        ValidateShape(errors, shape);
        errors.ThrowIfAny();
        await db.EnsureTenantFieldAsync("dedicatedTenant", request.DedicatedTenant, cancellationToken);

        var cluster = await clusters.LoadAsync(clusterName, cancellationToken);
        if (await db.NodePools.AnyAsync(p => p.ClusterId == cluster.Id && p.Name == request.Name, cancellationToken))
        {
            throw new ConflictException("already-exists", $"Cluster '{clusterName}' already has a node pool named '{request.Name}'.");
        }

        var pool = NodePool.Create(cluster.Id, request.Name, shape, clock.GetUtcNow());
        db.NodePools.Add(pool);
        audit.Record("node-pool.create", Target(clusterName, pool.Name), null);
        await db.SaveChangesAsync(cancellationToken);
        return new(ToResponse(pool, clusterName), pool.Version);
    }

    public async Task<Page<NodePoolResponse>> ListAsync(string clusterName, PageRequest page, CancellationToken cancellationToken)
    {
        var cluster = await clusters.LoadAsync(clusterName, cancellationToken);
        var query = db.NodePools.AsNoTracking().Where(p => p.ClusterId == cluster.Id);
        if (page.After is { } after)
        {
            query = query.Where(p => string.Compare(p.Name, after) > 0);
        }

        var rows = await query.OrderBy(p => p.Name).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, p => p.Name, p => ToResponse(p, clusterName));
    }

    public async Task<Versioned<NodePoolResponse>> GetAsync(string clusterName, string name, CancellationToken cancellationToken)
    {
        var pool = await LoadAsync(clusterName, name, cancellationToken, tracking: false);
        return new(ToResponse(pool, clusterName), pool.Version);
    }

    public async Task<Versioned<NodePoolResponse>> UpdateAsync(string clusterName, string name, UpdateNodePoolRequest request, string? ifMatch,
        CancellationToken cancellationToken)
    {
        var clearDedication = request.DedicatedTenant is { Length: 0 };
        await db.EnsureTenantFieldAsync("dedicatedTenant", clearDedication ? null : request.DedicatedTenant, cancellationToken);
        return await db.InTransactionAsync(async () =>
        {
            var pool = await LoadAsync(clusterName, name, cancellationToken, tracking: true, forUpdate: true);
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, pool.Version))
            {
                throw new PreconditionFailedException("node pool", name);
            }

            var shape = new NodePoolShape(pool.GpuModel, pool.GpuMemoryGiB, request.GpusPerNode ?? pool.GpusPerNode, request.NodeCount ?? pool.NodeCount,
                request.MigProfiles ?? pool.MigProfiles, pool.CapacityType, request.Purposes ?? pool.Purposes, request.Taints ?? pool.Taints,
                request.Labels ?? pool.Labels, request.RuntimeClasses ?? pool.RuntimeClasses,
                clearDedication ? null : request.DedicatedTenant ?? pool.DedicatedTenant, request.PricePerGpuHour ?? pool.PricePerGpuHour);
            var errors = new FieldErrors();
            ValidateShape(errors, shape);
            errors.ThrowIfAny();
            var allocatedGpus = pool.AllocatedGpus;
            var allocatedSlices = pool.AllocatedMigSlices.ToDictionary();
            pool.Reshape(shape, clock.GetUtcNow());
            if (pool.FreeUnits(null) < 0 || allocatedSlices.Any(a => a.Value > 0 && pool.FreeUnits(a.Key) < 0))
            {
                throw new ConflictException("capacity-in-use",
                    $"Node pool '{name}' cannot shrink below what placements hold ({allocatedGpus} GPUs reserved).");
            }

            audit.Record("node-pool.update", Target(clusterName, name), null);
            await db.SaveChangesAsync(cancellationToken);
            return new Versioned<NodePoolResponse>(ToResponse(pool, clusterName), pool.Version);
        }, cancellationToken);
    }

    public async Task DeleteAsync(string clusterName, string name, string? ifMatch, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            var pool = await LoadAsync(clusterName, name, cancellationToken, tracking: true, forUpdate: true);
            if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, pool.Version))
            {
                throw new PreconditionFailedException("node pool", name);
            }

            if (pool.HasReservations || await db.Placements.AnyAsync(p => p.NodePoolId == pool.Id, cancellationToken))
            {
                throw new ConflictException("node-pool-in-use", $"Node pool '{name}' still has placements; delete them first.");
            }

            db.NodePools.Remove(pool);
            audit.Record("node-pool.delete", Target(clusterName, name), null);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    internal static NodePoolResponse ToResponse(NodePool p, string cluster) => new(p.Id, cluster, p.Name, p.GpuModel, p.GpuMemoryGiB,
        p.GpusPerNode, p.NodeCount, p.MigProfiles, p.CapacityType, p.Purposes, p.Taints, p.Labels, p.RuntimeClasses, p.DedicatedTenant,
        p.PricePerGpuHour, new NodePoolCapacityResponse(p.TotalGpus, p.AllocatedGpus, p.AllocatedMigSlices),
        new NodePoolStatusResponse(p.State, p.UnschedulableReason, p.MissingRuntimeClasses), p.CreatedAt, p.UpdatedAt);

    private static void ValidateShape(FieldErrors errors, NodePoolShape shape)
    {
        errors.AddIf(shape.GpusPerNode is < 1 or > 16, "gpusPerNode", "is required and must be between 1 and 16");
        errors.AddIf(shape.NodeCount is < 0 or > 10_000, "nodeCount", "is required and must be between 0 and 10000");
        errors.AddIf(shape.Purposes.Count == 0, "purposes", "at least one of training, inference, realtime, batch");
        // Lists of kinds are sets: a repeated entry is a mistake, and refusing it bounds the list by the number of kinds.
        errors.AddIf(shape.Purposes.Distinct().Count() != shape.Purposes.Count, "purposes", "must not repeat a purpose");
        errors.AddIf(shape.RuntimeClasses.Distinct().Count() != shape.RuntimeClasses.Count, "runtimeClasses", "must not repeat a runtime class");
        errors.AddIf(shape.MigProfiles.DistinctBy(m => m.Profile).Count() != shape.MigProfiles.Count, "migProfiles", "must not repeat a profile");
        errors.AddIf(shape.Taints.Count > NodePool.MaxTaints, "taints", $"at most {NodePool.MaxTaints} taints");
        errors.AddIf(shape.PricePerGpuHour < 0, "pricePerGpuHour", "is required and must not be negative");
        errors.AddIf(shape.PricePerGpuHour > NodePool.MaxPricePerGpuHour, "pricePerGpuHour", $"must be at most {NodePool.MaxPricePerGpuHour}");
        errors.AddIf(shape.PricePerGpuHour.Scale > NodePool.PriceScale, "pricePerGpuHour", $"at most {NodePool.PriceScale} decimals");
        for (var i = 0; i < shape.MigProfiles.Count; i++)
        {
            var mig = shape.MigProfiles[i];
            errors.AddIf(!QuotaResource.IsValid(QuotaResource.MigPrefix + mig.Profile), $"migProfiles[{i}].profile", "a MIG profile such as 1g.10gb");
            errors.AddIf(mig.PerGpu is < 1 or > 7, $"migProfiles[{i}].perGpu", "must be between 1 and 7");
        }

        for (var i = 0; i < shape.Taints.Count; i++)
        {
            var taint = shape.Taints[i];
            errors.AddIf(string.IsNullOrEmpty(taint.Key) || Labels.Validate(new Dictionary<string, string> { [taint.Key] = taint.Value ?? "" }).Any(),
                $"taints[{i}]", "key and value follow Kubernetes label syntax");
            errors.AddIf(!TaintEffects.Contains(taint.Effect), $"taints[{i}].effect", "NoSchedule, PreferNoSchedule or NoExecute");
        }

        for (var i = 0; i < shape.RuntimeClasses.Count; i++)
        {
            // RuntimeClass names are DNS subdomains, as every cluster-scoped object name.
            errors.AddIf(!ResourceName.IsSubdomain(shape.RuntimeClasses[i]), $"runtimeClasses[{i}]",
                "the name of a RuntimeClass in the cluster: lower-case letters, digits, '-' and '.', at most 253 characters");
        }

        foreach (var (key, problem) in Labels.Validate(shape.Labels))
        {
            errors.Add($"labels.{key}", problem);
        }
    }

    private async Task<NodePool> LoadAsync(string clusterName, string name, CancellationToken cancellationToken, bool tracking, bool forUpdate = false)
    {
        var cluster = await clusters.LoadAsync(clusterName, cancellationToken);
        var query = db.NodePools.Where(p => p.ClusterId == cluster.Id && p.Name == name);
        return (forUpdate
                   ? await locks.LockAsync(cluster.Id, name, cancellationToken)
                   : await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(cancellationToken))
            ?? throw new ResourceNotFoundException("node pool", name);
    }

    private static string Target(string cluster, string pool) => $"clusters/{cluster}/node-pools/{pool}";
}
