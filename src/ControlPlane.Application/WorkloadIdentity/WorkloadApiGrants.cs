using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Domain.ServiceAccounts;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.WorkloadIdentity;

/// <summary>An API grant for a verified workload: it acts as the tenant's service account its binding names, with that account's role.</summary>
/// <param name="ClientId">The service account's OAuth client id: the token's subject, so deleting the account revokes it.</param>
public sealed record WorkloadApiGrant(string ClientId, string ServiceAccount, string Tenant, ServiceAccountRole Role);

/// <summary>
/// Which API identity a verified workload may act as: the service account bound to exactly its cluster, namespace and
/// Kubernetes service account, in the same tenant the namespace belongs to. Unbound workloads are refused
/// (<c>invalid_grant</c>); every grant and refusal is audited.
/// </summary>
public sealed class WorkloadApiGrants(IControlPlaneDb db, AuditTrail audit)
{
    public async Task<WorkloadApiGrant> GrantAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        // The verifier accepted only system:serviceaccount:<namespace>:<name> of the tenant's namespace.
        var (ns, name) = workload.Subject.Split(':') is [_, _, var n, var a] ? (n, a) : ("", "");
        var grant = await db.WorkloadIdentityBindings.AsNoTracking()
            .Where(b => b.Namespace == ns && b.KubernetesServiceAccount == name
                && db.Clusters.Any(c => c.Id == b.ClusterId && c.Name == workload.Cluster)
                && db.Tenants.Any(t => t.Id == b.TenantId && t.Name == workload.Tenant))
            .Join(db.ServiceAccounts.AsNoTracking(), b => b.ServiceAccountId, a => a.Id,
                (b, a) => new WorkloadApiGrant(a.ClientId, a.Name, workload.Tenant, a.Role))
            .FirstOrDefaultAsync(cancellationToken);
        var target = $"tenants/{workload.Tenant}/service-accounts/{grant?.ServiceAccount ?? "-"}";
        await audit.AppendAsync("workload-identity.api-token-exchange", target, workload.Tenant,
            new Dictionary<string, string> { ["cluster"] = workload.Cluster }, workload.Subject, cancellationToken,
            grant is null ? AuditTrail.Refused : AuditTrail.Succeeded);
        return grant ?? throw new WorkloadTokenRefusedException(WorkloadTokenRefusedException.InvalidGrant,
            $"{workload.Subject} on cluster '{workload.Cluster}' is bound to no service account of tenant '{workload.Tenant}'.");
    }
}
