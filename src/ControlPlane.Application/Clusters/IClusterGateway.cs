using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Clusters;

/// <summary>How to reach one cluster's Kubernetes API. Credentials are decrypted only for the call.</summary>
/// <param name="Name">The cluster's name in the control plane (also the cache key for clients).</param>
/// <param name="ApiServerUrl">The API server URL (https in production; http only in development and tests).</param>
/// <param name="BearerToken">A bearer token, when not using a kubeconfig.</param>
/// <param name="CaCertificatePem">The API server's CA bundle (PEM), when not using a kubeconfig.</param>
/// <param name="Kubeconfig">A kubeconfig (YAML) whose current context is used, instead of URL + token + CA.</param>
public sealed record ClusterConnection(string Name, Uri? ApiServerUrl, string? BearerToken, string? CaCertificatePem, string? Kubeconfig);

/// <summary>The per-tenant objects in one cluster: namespace t-&lt;tenant&gt;, ResourceQuota, LimitRange, NetworkPolicies, RoleBinding.</summary>
/// <param name="Tenant">Tenant name (a DNS-1123 label).</param>
/// <param name="Tier">Isolation tier.</param>
/// <param name="GpuQuota">Extended-resource limits for the ResourceQuota, e.g. "nvidia.com/gpu" → 8, "nvidia.com/mig-1g.10gb" → 14.</param>
/// <param name="ObjectStoreEgressCidrs">CIDRs the default-deny NetworkPolicy still allows egress to (the model store), besides DNS.</param>
/// <param name="ControlPlane">Where pods reach the control plane's token endpoint (workload identity); null allows no such egress.</param>
public sealed record TenantBaseline(string Tenant, IsolationTier Tier, IReadOnlyDictionary<string, long> GpuQuota,
    IReadOnlyList<string> ObjectStoreEgressCidrs, ControlPlaneEgress? ControlPlane = null);

/// <summary>
/// The egress the tenant's NetworkPolicy allows to the control plane: to <paramref name="Cidrs"/> when given, else to the
/// pods labelled <paramref name="PodLabels"/> in <paramref name="Namespace"/> (the in-cluster Service's pods), on <paramref name="Ports"/>.
/// </summary>
public sealed record ControlPlaneEgress(IReadOnlyList<string> Cidrs, string? Namespace, IReadOnlyDictionary<string, string> PodLabels,
    IReadOnlyList<int> Ports);

/// <summary>A PriorityClass the control plane owns in every cluster.</summary>
/// <param name="Name">controlplane-&lt;priority&gt;.</param>
/// <param name="Value">Pods with a higher value are scheduled first and may preempt lower ones.</param>
/// <param name="Preempts">False sets preemptionPolicy Never: the pod waits for capacity instead of evicting others.</param>
/// <param name="Description">What the class is for, shown by kubectl.</param>
public sealed record OwnedPriorityClass(string Name, int Value, bool Preempts, string Description);

/// <summary>A toleration for a node-pool taint.</summary>
public sealed record PlacementToleration(string Key, string? Value, string Effect);

/// <summary>Where a model-serving pod gets its weights: a projected service-account token it exchanges for a pull token.</summary>
/// <param name="Digest">sha256:&lt;hex&gt; of the model version.</param>
/// <param name="TokenEndpoint">The control plane's /connect/token URL.</param>
/// <param name="Audience">Audience of the projected service-account token.</param>
public sealed record ModelPullWiring(string Digest, string TokenEndpoint, string Audience);

/// <summary>Everything needed to render one placement's workload objects (Deployment + Service, or Job).</summary>
public sealed record PlacementManifest(
    string Tenant,
    string Name,
    Guid PlacementId,
    PlacementWorkloadKind Kind,
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    int Replicas,
    string GpuResourceName,
    int GpusPerReplica,
    string? Cpu,
    string? Memory,
    string PriorityClassName,
    string? RuntimeClassName,
    IReadOnlyDictionary<string, string> NodeSelector,
    IReadOnlyList<PlacementToleration> Tolerations,
    bool Interruptible,
    ModelPullWiring? ModelPull,
    PlacementScaling? Scaling = null);

/// <summary>
/// An inference placement's HorizontalPodAutoscaler: between <paramref name="MinReplicas"/> and <paramref name="MaxReplicas"/> on
/// average CPU utilisation (<paramref name="TargetCpuUtilizationPercent"/>) or a Prometheus-adapter per-pod metric
/// (<paramref name="PodsMetricName"/> at <paramref name="TargetAverageValue"/>). The Deployment then leaves replicas to it.
/// </summary>
public sealed record PlacementScaling(int MinReplicas, int MaxReplicas, int? TargetCpuUtilizationPercent, string? PodsMetricName,
    string? TargetAverageValue);

/// <summary>Deployments serve (inference); Jobs run to completion (training, batch).</summary>
public enum PlacementWorkloadKind
{
    Deployment,
    Job,
}

/// <summary>Identifies a placement's workload in a cluster.</summary>
public readonly record struct WorkloadKey(string Tenant, string Name, PlacementWorkloadKind Kind);

/// <summary>What the cluster reports about a placement's workload.</summary>
/// <param name="DesiredReplicas">spec.replicas (Deployment) or parallelism (Job).</param>
/// <param name="ReadyReplicas">Ready pods (Deployment) or active pods (Job).</param>
/// <param name="Succeeded">A Job completed successfully.</param>
/// <param name="Failed">A Job failed for good (its Failed condition).</param>
/// <param name="Message">The cluster's reason, when it gives one.</param>
/// <param name="Problem">
/// Why pods are not running, in the cluster's words, when it says so: a ReplicaFailure or Progressing=False condition, or
/// a pod waiting in ImagePullBackOff, CrashLoopBackOff, … or unschedulable. Null when nothing is wrong.
/// </param>
public sealed record ObservedWorkload(int DesiredReplicas, int ReadyReplicas, bool Succeeded, bool Failed, string? Message, string? Problem = null);

/// <summary>A node as the capacity sync sees it.</summary>
/// <param name="Ready">Its Ready condition is True (or not reported yet).</param>
/// <param name="Cordoned">spec.unschedulable: no new pods land on it (kubectl cordon, drains, upgrades).</param>
public sealed record ClusterNode(string Name, IReadOnlyDictionary<string, string> Labels, bool Ready, long AllocatableGpus,
    IReadOnlyDictionary<string, long> AllocatableMigSlices, bool Cordoned = false)
{
    /// <summary>Counts as capacity: ready and accepting new pods.</summary>
    public bool Schedulable => Ready && !Cordoned;
}

/// <summary>The cluster's verdict on a presented service-account token (TokenReview).</summary>
/// <param name="Authenticated">The API server verified the token's signature, expiry and audience, and its service account exists.</param>
/// <param name="Username">system:serviceaccount:&lt;namespace&gt;:&lt;name&gt; when authenticated.</param>
/// <param name="Error">The API server's reason when not authenticated.</param>
public sealed record TokenReviewVerdict(bool Authenticated, string? Username, string? Error);

/// <summary>The Kubernetes API of the GPU clusters, behind a port (KubernetesClient with server-side apply in Infrastructure).</summary>
public interface IClusterGateway
{
    /// <summary>Why a kubeconfig cannot be used (unparseable, exec plugins, file references, control characters), or null.</summary>
    string? KubeconfigProblem(string kubeconfig);

    /// <summary>
    /// Server-side applies the cluster-scoped objects the control plane owns (its PriorityClasses). A class whose immutable
    /// value or preemption policy drifted is deleted and created again, since the API refuses to change them in place.
    /// </summary>
    Task ApplyClusterObjectsAsync(ClusterConnection cluster, IReadOnlyList<OwnedPriorityClass> priorityClasses, CancellationToken cancellationToken);

    /// <summary>The names of the cluster's RuntimeClass objects (node.k8s.io/v1).</summary>
    Task<IReadOnlySet<string>> ListRuntimeClassesAsync(ClusterConnection cluster, CancellationToken cancellationToken);

    /// <summary>
    /// The issuer of the cluster's service-account tokens, from its <c>/.well-known/openid-configuration</c>, read with the
    /// cluster's own credentials (the API server serves it to authenticated callers).
    /// </summary>
    Task<string> DiscoverServiceAccountIssuerAsync(ClusterConnection cluster, CancellationToken cancellationToken);

    Task ApplyTenantBaselineAsync(ClusterConnection cluster, TenantBaseline baseline, CancellationToken cancellationToken);

    Task ApplyPlacementAsync(ClusterConnection cluster, PlacementManifest manifest, CancellationToken cancellationToken);

    /// <summary>
    /// Every workload this control plane manages in the cluster, keyed by tenant, name and kind: one LIST each of
    /// Deployments, Jobs and their pods (label managed-by=controlplane), so observing costs three calls per cluster, not
    /// one per placement.
    /// </summary>
    Task<IReadOnlyDictionary<WorkloadKey, ObservedWorkload>> ListWorkloadsAsync(ClusterConnection cluster, CancellationToken cancellationToken);

    /// <summary>Deletes the placement's objects; true once they are gone (a second call after deletion returns true).</summary>
    Task<bool> DeletePlacementAsync(ClusterConnection cluster, string tenant, string placement, PlacementWorkloadKind kind,
        CancellationToken cancellationToken);

    Task<IReadOnlyList<ClusterNode>> ListNodesAsync(ClusterConnection cluster, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the cluster (TokenReview, authentication.k8s.io/v1) whether <paramref name="token"/> is a valid token of one
    /// of its service accounts for <paramref name="audience"/>. Needs the system:auth-delegator role on the cluster.
    /// </summary>
    Task<TokenReviewVerdict> ReviewTokenAsync(ClusterConnection cluster, string token, string audience, CancellationToken cancellationToken);
}

/// <summary>The cluster could not be reached or answered with a transient error (connection refused, timeout, 409, 429, 5xx): retry.</summary>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The cluster refused the request for good (400, 403, 404 of a non-optional object, 422): retrying cannot help.</summary>
public sealed class ClusterRejectedException(string message, Exception? inner = null) : Exception(message, inner);
