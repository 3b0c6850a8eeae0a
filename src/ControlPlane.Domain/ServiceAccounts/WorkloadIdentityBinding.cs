namespace ControlPlane.Domain.ServiceAccounts;

/// <summary>
/// Lets one Kubernetes service account (of the tenant's namespace, on a registered cluster) act as one of the tenant's
/// service accounts: its projected token, exchanged with the API audience, yields an API token with that account's role —
/// as GCP Workload Identity Federation and EKS Pod Identity map a Kubernetes service account to a cloud identity.
/// </summary>
public sealed class WorkloadIdentityBinding
{
    private WorkloadIdentityBinding()
    {
    }

    public Guid Id { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ServiceAccountId { get; private set; }

    /// <summary>DNS-1123 label, unique among the service account's bindings.</summary>
    public string Name { get; private set; } = "";
    public Guid ClusterId { get; private set; }
    public string Namespace { get; private set; } = "";

    /// <summary>The Kubernetes service account's name in <see cref="Namespace"/>.</summary>
    public string KubernetesServiceAccount { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The username the cluster's TokenReview answers for the bound service account.</summary>
    public string Subject => SubjectOf(Namespace, KubernetesServiceAccount);

    public static string SubjectOf(string @namespace, string serviceAccount) => $"system:serviceaccount:{@namespace}:{serviceAccount}";

    public static WorkloadIdentityBinding Create(Guid tenantId, Guid serviceAccountId, string name, Guid clusterId, string @namespace,
        string kubernetesServiceAccount, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        TenantId = tenantId,
        ServiceAccountId = serviceAccountId,
        Name = name,
        ClusterId = clusterId,
        Namespace = @namespace,
        KubernetesServiceAccount = kubernetesServiceAccount,
        CreatedAt = now,
    };
}
