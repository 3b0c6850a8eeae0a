using System.Globalization;
using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>Reads the port's views (<see cref="ObservedWorkload"/>, <see cref="ClusterNode"/>) out of Kubernetes objects.</summary>
internal static class KubernetesObservations
{
    private const string GpuResource = "nvidia.com/gpu";
    private const string MigResourcePrefix = "nvidia.com/mig-";

    public static ObservedWorkload Observe(V1Deployment deployment)
    {
        // The conditions the Deployment controller sets when a rollout is stuck or pods cannot be created.
        var problem = deployment.Status?.Conditions?.FirstOrDefault(c =>
            (c.Type == "ReplicaFailure" && c.Status == "True") || (c.Type is "Progressing" or "Available" && c.Status == "False"));
        return new ObservedWorkload(DesiredReplicas: deployment.Spec?.Replicas ?? 1, ReadyReplicas: deployment.Status?.ReadyReplicas ?? 0,
            Succeeded: false, Failed: false, Message: problem?.Message);
    }

    public static ObservedWorkload Observe(V1Job job)
    {
        var conditions = job.Status?.Conditions ?? [];
        var complete = conditions.Any(c => c.Type == "Complete" && c.Status == "True");
        var failed = conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        var failedPods = job.Status?.Failed ?? 0;
        var message = failed?.Message
            ?? (failedPods > 0 ? string.Create(CultureInfo.InvariantCulture, $"{failedPods} pod(s) failed; the Job retries up to its backoff limit") : null);
        return new ObservedWorkload(DesiredReplicas: job.Spec?.Parallelism ?? 1, ReadyReplicas: job.Status?.Active ?? 0,
            Succeeded: complete, Failed: failed is not null, Message: message);
    }

    public static ClusterNode ToClusterNode(V1Node node)
    {
        var allocatable = node.Status?.Allocatable ?? new Dictionary<string, ResourceQuantity>();
        var migSlices = allocatable
            .Where(r => r.Key.StartsWith(MigResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(r => r.Key[MigResourcePrefix.Length..], r => r.Value.ToInt64(), StringComparer.Ordinal);
        var gpus = allocatable.TryGetValue(GpuResource, out var quantity) ? quantity.ToInt64() : 0;

        // A node without conditions has not been reported on yet by a node controller; it is not known to be broken.
        var readyCondition = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var ready = readyCondition is null || readyCondition.Status == "True";

        var labels = node.Metadata?.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        return new ClusterNode(node.Metadata?.Name ?? "", labels, ready, gpus, migSlices);
    }
}
