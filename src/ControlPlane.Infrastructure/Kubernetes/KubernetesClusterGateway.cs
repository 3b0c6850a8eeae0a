using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.Infrastructure.Kubernetes;

/// <summary>
/// <see cref="IClusterGateway"/> over KubernetesClient: every write is a server-side apply by the field manager
/// <c>controlplane</c> with force, so re-applying is idempotent and the control plane's intent wins conflicts.
/// One client per cluster is cached and rebuilt when the cluster's connection changes.
/// </summary>
public sealed partial class KubernetesClusterGateway : IClusterGateway, IDisposable
{
    /// <summary>How long one API request may take before the cluster counts as unavailable.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(15);

    private const string FieldManager = ManifestLabels.ManagedByValue;
    private const string BackgroundPropagation = "Background";

    private readonly TimeSpan _requestTimeout;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Fingerprint, IKubernetes Client)> _clients = new(StringComparer.Ordinal);

    /// <summary>A gateway whose requests time out after <paramref name="requestTimeout"/>.</summary>
    public KubernetesClusterGateway(TimeSpan requestTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestTimeout, TimeSpan.Zero);
        _requestTimeout = requestTimeout;
    }

    public string? KubeconfigProblem(string kubeconfig) => KubeconfigLoader.Problem(kubeconfig);

    public Task ApplyClusterObjectsAsync(ClusterConnection cluster, IReadOnlyList<OwnedPriorityClass> priorityClasses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(priorityClasses);
        return RunAsync(cluster, "apply the control plane's PriorityClasses", async client =>
        {
            var live = (await client.SchedulingV1.ListPriorityClassAsync(cancellationToken: cancellationToken)).Items.ToDictionary(p => p.Metadata.Name, StringComparer.Ordinal);
            foreach (var owned in priorityClasses)
            {
                // value and preemptionPolicy are immutable: a class that drifted there is replaced, not patched.
                if (live.TryGetValue(owned.Name, out var existing)
                    && (existing.Value != owned.Value || (existing.PreemptionPolicy ?? "PreemptLowerPriority") != ManifestRenderer.PreemptionPolicy(owned)))
                {
                    await DeleteIfPresentAsync(() => client.SchedulingV1.DeletePriorityClassAsync(owned.Name, cancellationToken: cancellationToken));
                }

                await client.SchedulingV1.PatchPriorityClassAsync(
                    Apply(ManifestRenderer.PriorityClass(owned)), owned.Name, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlySet<string>> ListRuntimeClassesAsync(ClusterConnection cluster, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlySet<string>>(cluster, "list runtime classes", async client =>
            (await client.NodeV1.ListRuntimeClassAsync(cancellationToken: cancellationToken)).Items.Select(r => r.Metadata.Name).ToHashSet(StringComparer.Ordinal),
            cancellationToken);

    public Task<string> DiscoverServiceAccountIssuerAsync(ClusterConnection cluster, CancellationToken cancellationToken) =>
        RunAsync(cluster, "discover the service-account issuer", client => ServiceAccountIssuerDiscovery.DiscoverAsync(client, cancellationToken),
            cancellationToken);

    public Task ApplyTenantBaselineAsync(ClusterConnection cluster, TenantBaseline baseline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var ns = TenantNamespace.For(baseline.Tenant);
        return RunAsync(cluster, $"apply the baseline of tenant '{baseline.Tenant}'", async client =>
        {
            // The namespace first: every other object lives in it.
            var namespaceObject = ManifestRenderer.Namespace(baseline);
            await client.CoreV1.PatchNamespaceAsync(Apply(namespaceObject), ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            await client.CoreV1.PatchNamespacedResourceQuotaAsync(
                Apply(ManifestRenderer.ResourceQuota(baseline)), ManifestRenderer.ResourceQuotaName, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            await client.CoreV1.PatchNamespacedLimitRangeAsync(
                Apply(ManifestRenderer.LimitRange(baseline)), ManifestRenderer.LimitRangeName, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            foreach (var policy in ManifestRenderer.NetworkPolicies(baseline))
            {
                await client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(
                    Apply(policy), policy.Metadata.Name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            }

            if (baseline.ControlPlane is null)
            {
                // Egress to the control plane must not outlive its configuration: a policy applied while it was configured goes.
                await DeleteIfPresentAsync(() => client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(
                    ManifestRenderer.AllowControlPlanePolicyName, ns, cancellationToken: cancellationToken));
            }

            await client.RbacAuthorizationV1.PatchNamespacedRoleBindingAsync(
                Apply(ManifestRenderer.RoleBinding(baseline)), ManifestRenderer.RoleBindingName, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            return true;
        }, cancellationToken);
    }

    public Task ApplyPlacementAsync(ClusterConnection cluster, PlacementManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var ns = TenantNamespace.For(manifest.Tenant);
        return RunAsync(cluster, $"apply placement '{manifest.Name}' of tenant '{manifest.Tenant}'", async client =>
        {
            if (manifest.Kind == PlacementWorkloadKind.Job)
            {
                await client.BatchV1.PatchNamespacedJobAsync(
                    Apply(ManifestRenderer.Job(manifest)), manifest.Name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
                return true;
            }

            await client.AppsV1.PatchNamespacedDeploymentAsync(
                Apply(ManifestRenderer.Deployment(manifest)), manifest.Name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            await client.CoreV1.PatchNamespacedServiceAsync(
                Apply(ManifestRenderer.Service(manifest)), manifest.Name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);
            if (manifest.Scaling is null)
            {
                // Bounds that became equal: no autoscaler any more, the Deployment's replicas are applied again.
                await DeleteIfPresentAsync(() => client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(
                    manifest.Name, ns, cancellationToken: cancellationToken));
            }
            else
            {
                await client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(
                    Apply(ManifestRenderer.HorizontalPodAutoscaler(manifest)), manifest.Name, ns, fieldManager: FieldManager, force: true,
                    cancellationToken: cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<WorkloadKey, ObservedWorkload>> ListWorkloadsAsync(ClusterConnection cluster, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<WorkloadKey, ObservedWorkload>>(cluster, "list managed workloads", async client =>
        {
            var selector = $"{ManifestLabels.ManagedBy}={ManifestLabels.ManagedByValue}";
            var deployments = await client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: selector, cancellationToken: cancellationToken);
            var jobs = await client.BatchV1.ListJobForAllNamespacesAsync(labelSelector: selector, cancellationToken: cancellationToken);
            var pods = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector, cancellationToken: cancellationToken);
            var podProblems = KubernetesObservations.PodProblems(pods.Items);
            var workloads = new Dictionary<WorkloadKey, ObservedWorkload>();
            foreach (var deployment in deployments.Items)
            {
                if (deployment.Metadata.Labels?.TryGetValue(ManifestLabels.Tenant, out var tenant) == true)
                {
                    workloads[new WorkloadKey(tenant, deployment.Metadata.Name, PlacementWorkloadKind.Deployment)] =
                        KubernetesObservations.Observe(deployment, podProblems.GetValueOrDefault((tenant, deployment.Metadata.Name)));
                }
            }

            foreach (var job in jobs.Items)
            {
                if (job.Metadata.Labels?.TryGetValue(ManifestLabels.Tenant, out var tenant) == true)
                {
                    workloads[new WorkloadKey(tenant, job.Metadata.Name, PlacementWorkloadKind.Job)] =
                        KubernetesObservations.Observe(job, podProblems.GetValueOrDefault((tenant, job.Metadata.Name)));
                }
            }

            return workloads;
        }, cancellationToken);

    public Task<bool> DeletePlacementAsync(ClusterConnection cluster, string tenant, string placement, PlacementWorkloadKind kind,
        CancellationToken cancellationToken)
    {
        var ns = TenantNamespace.For(tenant);
        return RunAsync(cluster, $"delete placement '{placement}' of tenant '{tenant}'", async client =>
        {
            if (kind == PlacementWorkloadKind.Job)
            {
                await DeleteIfPresentAsync(() => client.BatchV1.DeleteNamespacedJobAsync(
                    placement, ns, propagationPolicy: BackgroundPropagation, cancellationToken: cancellationToken));
                return await ReadOptionalAsync(() => client.BatchV1.ReadNamespacedJobAsync(placement, ns, cancellationToken: cancellationToken)) is null;
            }

            await DeleteIfPresentAsync(() => client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(
                placement, ns, cancellationToken: cancellationToken));
            await DeleteIfPresentAsync(() => client.AppsV1.DeleteNamespacedDeploymentAsync(
                placement, ns, propagationPolicy: BackgroundPropagation, cancellationToken: cancellationToken));
            await DeleteIfPresentAsync(() => client.CoreV1.DeleteNamespacedServiceAsync(
                placement, ns, propagationPolicy: BackgroundPropagation, cancellationToken: cancellationToken));

            // A finalizer can keep an object around after the delete was accepted: only absence counts as gone.
            return await ReadOptionalAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(placement, ns, cancellationToken: cancellationToken)) is null
                && await ReadOptionalAsync(() => client.CoreV1.ReadNamespacedServiceAsync(placement, ns, cancellationToken: cancellationToken)) is null;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ClusterNode>> ListNodesAsync(ClusterConnection cluster, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<ClusterNode>>(cluster, "list nodes", async client =>
        {
            var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken);
            return nodes.Items.Select(KubernetesObservations.ToClusterNode).ToList();
        }, cancellationToken);

    public Task<TokenReviewVerdict> ReviewTokenAsync(ClusterConnection cluster, string token, string audience, CancellationToken cancellationToken) =>
        RunAsync(cluster, "review a service-account token", async client =>
        {
            var review = await client.AuthenticationV1.CreateTokenReviewAsync(
                new V1TokenReview { ApiVersion = "authentication.k8s.io/v1", Kind = "TokenReview", Spec = new V1TokenReviewSpec { Token = token, Audiences = [audience] } },
                cancellationToken: cancellationToken);
            var status = review.Status;

            // The API server echoes the audiences the token is valid for; require ours among them, not just "authenticated".
            var authenticated = status?.Authenticated == true && (status.Audiences?.Contains(audience) ?? false);
            return new TokenReviewVerdict(authenticated, authenticated ? status!.User?.Username : null,
                authenticated ? null : status?.Error ?? "the cluster did not authenticate the token");
        }, cancellationToken);

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (_, client) in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }

    private static V1Patch Apply(object manifest) => new(manifest, V1Patch.PatchType.ApplyPatch);

    /// <summary>The call's result, or null when the object does not exist (404).</summary>
    private static async Task<T?> ReadOptionalAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException ex) when (KubernetesErrorTranslator.IsNotFound(ex))
        {
            return null;
        }
    }

    /// <summary>Sends a delete; an object already gone (404) counts as deleted.</summary>
    private static async Task DeleteIfPresentAsync<T>(Func<Task<T>> delete)
    {
        try
        {
            await delete();
        }
        catch (HttpOperationException ex) when (KubernetesErrorTranslator.IsNotFound(ex))
        {
            // Already deleted, e.g. by an earlier attempt.
        }
        catch (JsonException)
        {
            // The delete succeeded, but its body is not what the typed client expects: API servers answer a delete with
            // a Status or with the deleted object depending on the resource and version. The body is not needed, since
            // the caller checks for absence afterwards.
        }
    }

    private async Task<T> RunAsync<T>(ClusterConnection cluster, string operation, Func<IKubernetes, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        // Inside the task, so that an unusable connection surfaces like any other failure of the call.
        var client = ClientFor(cluster);
        return await KubernetesErrorTranslator.RunAsync(cluster.Name, operation, () => call(client), cancellationToken);
    }

    private IKubernetes ClientFor(ClusterConnection cluster)
    {
        var fingerprint = Fingerprint(cluster);
        lock (_gate)
        {
            if (_clients.TryGetValue(cluster.Name, out var cached) && cached.Fingerprint == fingerprint)
            {
                return cached.Client;
            }

            // A superseded client is not disposed: a call on another thread may still be using it, and credential
            // changes are rare enough that leaving it to the garbage collector costs nothing.
            var client = KubernetesClientFactory.Create(cluster, _requestTimeout);
            _clients[cluster.Name] = (fingerprint, client);
            return client;
        }
    }

    /// <summary>A hash of everything that defines the connection, so the cache never keeps credentials in its keys.</summary>
    private static string Fingerprint(ClusterConnection cluster)
    {
        var parts = new[] { cluster.ApiServerUrl?.ToString(), cluster.BearerToken, cluster.CaCertificatePem, cluster.Kubeconfig };
        // Length-prefixed, so that moving text from one field to the next changes the hash.
        var text = string.Concat(parts.Select(p => p is null ? "-1:" : $"{p.Length}:{p}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
