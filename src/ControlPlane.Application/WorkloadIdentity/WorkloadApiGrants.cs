using ControlPlane.Application.Audit;
using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Application.WorkloadIdentity;

/// <summary>An API grant for a verified workload: it acts as the tenant's service account its binding names, with that account's role.</summary>
/// <param name="ClientId">The service account's OAuth client id: the token's subject, so deleting the account revokes it.</param>
public sealed record WorkloadApiGrant(string ClientId, string ServiceAccount, string Tenant, ServiceAccountRole Role);

/// <summary>
/// Which API identity a verified workload may act as: the service account bound to exactly its cluster, namespace and
/// Kubernetes service account, in the same tenant the namespace belongs to. Unbound workloads are refused
/// (<c>invalid_grant</c>); every grant and refusal is audited.
/// </summary>
public sealed class WorkloadApiGrants(IBoundServiceAccounts bound, AuditTrail audit)
{
    public async Task<WorkloadApiGrant> GrantAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        var grant = await bound.FindForTokenAsync(workload, cancellationToken);
        var target = $"tenants/{workload.Tenant}/service-accounts/{grant?.ServiceAccount ?? "-"}";
        await audit.AppendAsync("workload-identity.api-token-exchange", target, workload.Tenant,
            new Dictionary<string, string> { ["cluster"] = workload.Cluster }, workload.Subject, cancellationToken,
            grant is null ? AuditTrail.Refused : AuditTrail.Succeeded);
        return grant ?? throw new WorkloadTokenRefusedException(WorkloadTokenRefusedException.InvalidGrant,
            $"{workload.Subject} on cluster '{workload.Cluster}' is bound to no service account of tenant '{workload.Tenant}'.");
    }
}
