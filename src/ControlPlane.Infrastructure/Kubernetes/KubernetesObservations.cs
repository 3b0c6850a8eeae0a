using System.Globalization;
using ControlPlane.Application.Clusters;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>Reads the port's views (<see cref="ObservedWorkload"/>, <see cref="ClusterNode"/>) out of Kubernetes objects.</summary>
internal static class KubernetesObservations
{
    private const string GpuResource = "nvidia.com/gpu";
    private const string MigResourcePrefix = "nvidia.com/mig-";
    private const int MaxProblemLength = 1000;

    /// <summary>Waiting reasons that mean a container will not start without someone changing something.</summary>
    private static readonly HashSet<string> StuckWaitingReasons =
        ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError"];

    /// <param name="podProblem">The first problem one of its pods reports (<see cref="PodProblems"/>), if any.</param>
    public static ObservedWorkload Observe(V1Deployment deployment, string? podProblem)
    {
        // The conditions the Deployment controller sets when pods cannot be created (ReplicaFailure, e.g. refused by
        // admission) or a rollout is stuck (Progressing=False, ProgressDeadlineExceeded); they outrank what single pods say.
        var conditions = deployment.Status?.Conditions ?? [];
        var failure = conditions.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True")
            ?? conditions.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False");
        var problem = failure is null ? podProblem : Bounded($"{failure.Reason}: {failure.Message}");
        return new ObservedWorkload(DesiredReplicas: deployment.Spec?.Replicas ?? 1, ReadyReplicas: deployment.Status?.ReadyReplicas ?? 0,
            Succeeded: false, Failed: false, Message: problem, Problem: problem);
    }

    /// <summary>
    /// Per (tenant, placement): what the first of its pods (by name) that is stuck says — a container waiting in
    /// ImagePullBackOff, CrashLoopBackOff, … or the pod unschedulable — in the cluster's words.
    /// </summary>
    public static IReadOnlyDictionary<(string Tenant, string Placement), string> PodProblems(IEnumerable<V1Pod> pods)
    {
        var problems = new Dictionary<(string, string), string>();
        foreach (var pod in pods.OrderBy(p => p.Metadata?.Name, StringComparer.Ordinal))
        {
            var labels = pod.Metadata?.Labels;
            if (labels is null || !labels.TryGetValue(ManifestLabels.Tenant, out var tenant) || !labels.TryGetValue(ManifestLabels.Placement, out var placement)
                || problems.ContainsKey((tenant, placement)) || Problem(pod) is not { } problem)
            {
                continue;
            }

            problems[(tenant, placement)] = problem;
        }

        return problems;
    }

    private static string? Problem(V1Pod pod)
    {
        var name = pod.Metadata?.Name;
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
        if (statuses.FirstOrDefault(s => s.State?.Waiting?.Reason is { } reason && StuckWaitingReasons.Contains(reason)) is { } stuck)
        {
            var waiting = stuck.State.Waiting;
            return Bounded($"{waiting.Reason}: pod {name} container {stuck.Name}" + (string.IsNullOrEmpty(waiting.Message) ? "" : ": " + waiting.Message));
        }

        var unscheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable");
        return unscheduled is null ? null : Bounded($"Unschedulable: pod {name}: {unscheduled.Message}");
    }

    /// <summary>
    /// A cluster's message cut to a length the placement stores whole, so the observer compares it with what it recorded
    /// (a message shortened on save would look new on every pass). Pod Security lists all violations: well within this.
    /// </summary>
    private static string Bounded(string message) => message.Length <= MaxProblemLength ? message : message[..(MaxProblemLength - 1)] + "…";

    public static ObservedWorkload Observe(V1Job job, string? podProblem)
    {
        var conditions = job.Status?.Conditions ?? [];
        var complete = conditions.Any(c => c.Type == "Complete" && c.Status == "True");
        var failed = conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        var failedPods = job.Status?.Failed ?? 0;
        var message = failed?.Message
            ?? (failedPods > 0 ? string.Create(CultureInfo.InvariantCulture, $"{failedPods} pod(s) failed; the Job retries up to its backoff limit") : null);
        return new ObservedWorkload(DesiredReplicas: job.Spec?.Parallelism ?? 1, ReadyReplicas: job.Status?.Active ?? 0,
            Succeeded: complete, Failed: failed is not null, Message: message ?? podProblem, Problem: podProblem);
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
        return new ClusterNode(node.Metadata?.Name ?? "", labels, ready, gpus, migSlices, Cordoned: node.Spec?.Unschedulable == true);
    }
}
