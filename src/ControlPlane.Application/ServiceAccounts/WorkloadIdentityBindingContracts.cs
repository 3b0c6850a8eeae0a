using System.ComponentModel.DataAnnotations;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Application.ServiceAccounts;

/// <summary>Binds a Kubernetes service account of the tenant's namespace on a registered cluster to this service account.</summary>
/// <param name="Name">DNS-1123 label, unique among the service account's bindings.</param>
/// <param name="Cluster">The registered cluster whose service-account issuer signs the workload's tokens.</param>
/// <param name="Namespace">The tenant's namespace there (t-&lt;tenant&gt;); another tenant's is refused.</param>
/// <param name="KubernetesServiceAccount">The Kubernetes service account's name in that namespace.</param>
public sealed record CreateWorkloadIdentityBindingRequest(
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string Name,
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string Cluster,
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string Namespace,
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string KubernetesServiceAccount);

/// <summary>A workload identity binding: pods running as <paramref name="Subject"/> on <paramref name="Cluster"/> may act as <paramref name="ServiceAccount"/>.</summary>
/// <param name="Name">Unique among the service account's bindings.</param>
/// <param name="ServiceAccount">The tenant's service account whose role the exchanged API token carries.</param>
/// <param name="Cluster">The cluster whose TokenReview verifies the workload's token.</param>
/// <param name="Namespace">The tenant's namespace.</param>
/// <param name="KubernetesServiceAccount">The Kubernetes service account's name.</param>
/// <param name="Subject">system:serviceaccount:&lt;namespace&gt;:&lt;name&gt;, as the cluster names it.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
public sealed record WorkloadIdentityBindingResponse(string Name, string ServiceAccount, string Cluster, string Namespace, string KubernetesServiceAccount,
    string Subject, DateTimeOffset CreatedAt)
{
    internal static WorkloadIdentityBindingResponse From(WorkloadIdentityBinding b, string serviceAccount, string cluster) =>
        new(b.Name, serviceAccount, cluster, b.Namespace, b.KubernetesServiceAccount, b.Subject, b.CreatedAt);
}
