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
        placement.MinReplicas,
        placement.MigProfile is null ? "nvidia.com/gpu" : "nvidia.com/mig-" + placement.MigProfile,
        placement.MigProfile is null ? placement.GpusPerReplica : 1,
        placement.Cpu,
        placement.Memory,
        ControlPlanePriorityClasses.NameOf(placement.Priority),
        placement.RuntimeClass,
        pool.Labels,
        [.. pool.Taints.Select(t => new PlacementToleration(t.Key, t.Value, t.Effect))],
        placement.Interruptible && pool.CapacityType == CapacityType.Spot,
        placement.ModelDigest is null ? null : new ModelPullWiring(placement.ModelDigest, workloadTokenEndpoint, WorkloadTokenAudience),
        Scaling(placement));

    /// <summary>
    /// A rollout's canary: the placement's workload under the name &lt;placement&gt;-canary (its own Deployment, Service and
    /// pods, so the SLI queries tell the variants apart by pod name) with the target image and model, at a fixed replica count.
    /// </summary>
    public static PlacementManifest Canary(Placement placement, NodePool pool, Domain.Rollouts.Rollout rollout, string workloadTokenEndpoint) =>
        For(placement, pool, workloadTokenEndpoint) with
        {
            Name = Domain.Rollouts.Rollout.CanaryName(placement.Name),
            Image = rollout.Target.Image,
            Replicas = rollout.CanaryReplicas,
            ModelPull = rollout.Target.ModelDigest is null ? null : new ModelPullWiring(rollout.Target.ModelDigest, workloadTokenEndpoint, WorkloadTokenAudience),
            Scaling = null,
        };

    /// <summary>The autoscaler of an inference placement with room between its bounds: CPU utilisation unless it asked otherwise.</summary>
    private static PlacementScaling? Scaling(Placement placement)
    {
        if (!placement.Autoscaled)
        {
            return null;
        }

        var policy = placement.Autoscaling ?? new PlacementAutoscaling(AutoscalingMetric.CpuUtilization);
        return policy.Metric == AutoscalingMetric.PodsMetric
            ? new PlacementScaling(placement.MinReplicas, placement.MaxReplicas, null, policy.MetricName, policy.TargetAverageValue)
            : new PlacementScaling(placement.MinReplicas, placement.MaxReplicas,
                policy.TargetCpuUtilizationPercent ?? PlacementAutoscaling.DefaultCpuUtilizationPercent, null, null);
    }

    /// <summary>The tenant's GPU quota as Kubernetes extended-resource limits (all GPU models share nvidia.com/gpu).</summary>
    public static TenantBaseline Baseline(Tenant tenant, IEnumerable<Quota> quotas, ReconcilerOptions options)
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

        return new TenantBaseline(tenant.Name, tenant.IsolationTier, limits, options.ObjectStoreEgressCidrs, ControlPlaneEgress(options));
    }

    /// <summary>
    /// Where pods reach the token endpoint. Configured CIDRs win; otherwise an in-cluster URL
    /// (<c>http://&lt;service&gt;.&lt;namespace&gt;.svc…</c>) names the namespace, and the chart labels the Service's pods
    /// <c>app.kubernetes.io/name=&lt;service&gt;</c>. An external host without CIDRs cannot be expressed in a NetworkPolicy: no rule.
    /// </summary>
    public static ControlPlaneEgress? ControlPlaneEgress(ReconcilerOptions options)
    {
        var egress = options.ControlPlaneEgress;
        var url = new Uri(options.WorkloadTokenEndpoint);
        // A NetworkPolicy sees the pod's port after Service translation: the URL's port and the port the chart's pods listen on.
        IReadOnlyList<int> ports = egress.Ports.Count > 0 ? egress.Ports : [.. new[] { url.Port, ControlPlaneEgressOptions.ChartContainerPort }.Distinct()];
        if (egress.Cidrs.Count > 0)
        {
            return new ControlPlaneEgress(egress.Cidrs, null, new Dictionary<string, string>(), ports);
        }

        var host = url.Host.Split('.');
        var inCluster = host is [_, _, "svc", ..];
        var ns = egress.Namespace ?? (inCluster ? host[1] : null);
        if (ns is null)
        {
            return null;
        }

        var labels = egress.PodLabels.Count > 0 ? egress.PodLabels
            : inCluster ? new Dictionary<string, string> { ["app.kubernetes.io/name"] = host[0] }
            : new Dictionary<string, string>();
        return new ControlPlaneEgress([], ns, labels, ports);
    }
}
