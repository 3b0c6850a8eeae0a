using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Clusters;
using ControlPlane.Domain.Placements;
using ControlPlane.Domain.Quotas;
using ControlPlane.Domain.Scheduling;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Reconciliation;

/// <summary>Translates a placement and its pool into what the cluster gateway renders.</summary>
public static class ManifestBuilder
{
    /// <summary>The audience of the projected service-account token a serving pod exchanges for a model-pull token.</summary>
    public const string WorkloadTokenAudience = "controlplane";

    public static PlacementManifest For(Placement placement, NodePool pool, string workloadTokenEndpoint) => new(
        placement.Tenant,
        placement.Name,
        placement.Id,
        placement.Kind == PlacementKind.Inference ? PlacementWorkloadKind.Deployment : PlacementWorkloadKind.Job,
        placement.Image,
        placement.Command,
        placement.Args,
        placement.Env,
        placement.DesiredReplicas,
        placement.MigProfile is null ? "nvidia.com/gpu" : "nvidia.com/mig-" + placement.MigProfile,
        placement.MigProfile is null ? placement.GpusPerReplica : 1,
        placement.Cpu,
        placement.Memory,
        "controlplane-" + placement.Priority.ToString().ToLowerInvariant(),
        placement.RuntimeClass?.ToString().ToLowerInvariant(),
        pool.Labels,
        [.. pool.Taints.Select(t => new PlacementToleration(t.Key, t.Value, t.Effect))],
        placement.Interruptible && pool.CapacityType == CapacityType.Spot,
        placement.ModelDigest is null ? null : new ModelPullWiring(placement.ModelDigest, workloadTokenEndpoint, WorkloadTokenAudience));

    /// <summary>The tenant's GPU quota as Kubernetes extended-resource limits (all GPU models share nvidia.com/gpu).</summary>
    public static TenantBaseline Baseline(Tenant tenant, IEnumerable<Quota> quotas, IReadOnlyList<string> objectStoreCidrs)
    {
        var limits = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var quota in quotas)
        {
            var resource = quota.Resource.StartsWith(QuotaResource.GpuPrefix, StringComparison.Ordinal) ? "nvidia.com/gpu"
                : quota.Resource.StartsWith(QuotaResource.MigPrefix, StringComparison.Ordinal) ? "nvidia.com/mig-" + quota.Resource[QuotaResource.MigPrefix.Length..]
                : null;
            if (resource is not null)
            {
                limits[resource] = limits.GetValueOrDefault(resource) + quota.Limit;
            }
        }

        return new TenantBaseline(tenant.Name, tenant.IsolationTier, limits, objectStoreCidrs);
    }
}
