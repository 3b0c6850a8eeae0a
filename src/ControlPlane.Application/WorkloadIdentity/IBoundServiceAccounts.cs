namespace ControlPlane.Application.WorkloadIdentity;

/// <summary>
/// Finds the service account a verified workload is bound to, for an API token about to be issued. The binding, the
/// account and the revocation epochs the token will be stamped with are read in one snapshot: a revocation (the
/// account deleted, its secret rotated, the tenant's tokens revoked) that commits after the read has a higher epoch
/// than the one stamped, so it refuses the token; one committed before it removed the binding or raised that epoch.
/// </summary>
public interface IBoundServiceAccounts
{
    /// <summary>The grant, or null when the workload is bound to no service account of its tenant.</summary>
    Task<WorkloadApiGrant?> FindForTokenAsync(VerifiedWorkload workload, CancellationToken cancellationToken);
}
