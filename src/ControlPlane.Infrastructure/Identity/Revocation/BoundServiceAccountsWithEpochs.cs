using ControlPlane.Application.WorkloadIdentity;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// The workload exchange's counterpart of <see cref="ClientWithEpochsStore"/>: the binding, its service account and
/// the revocation epochs of that account's client and of the tenant come back in one statement, one snapshot, and
/// <see cref="RevocationEpochStamper"/> stamps those epochs. (Read at signing instead, after the binding, an account
/// deleted in between left the token it had just allowed unrefused.)
/// </summary>
internal sealed class BoundServiceAccountsWithEpochs(ControlPlaneDbContext db, IssuanceEpochs epochs) : IBoundServiceAccounts
{
    public async Task<WorkloadApiGrant?> FindForTokenAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        var (ns, name) = workload.ServiceAccount;
        var tenantPrincipal = RevocationPrincipals.Tenant(workload.Tenant);
        var found = await db.WorkloadIdentityBindings.AsNoTracking()
            .Where(b => b.Namespace == ns && b.KubernetesServiceAccount == name
                && db.Clusters.Any(c => c.Id == b.ClusterId && c.Name == workload.Cluster)
                && db.Tenants.Any(t => t.Id == b.TenantId && t.Name == workload.Tenant))
            .Join(db.ServiceAccounts.AsNoTracking(), b => b.ServiceAccountId, a => a.Id, (b, a) => new
            {
                a.ClientId,
                a.Name,
                a.Role,
                ClientEpoch = db.TokenRevocations.Where(r => r.Principal == RevocationPrincipals.ClientPrefix + a.ClientId)
                    .Select(r => (long?)r.Epoch).FirstOrDefault(),
                TenantEpoch = db.TokenRevocations.Where(r => r.Principal == tenantPrincipal).Select(r => (long?)r.Epoch).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        epochs.Read(found.ClientId, found.ClientEpoch ?? 0, workload.Tenant, found.TenantEpoch ?? 0);
        return new WorkloadApiGrant(found.ClientId, found.Name, workload.Tenant, found.Role);
    }
}
