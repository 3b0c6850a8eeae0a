namespace ControlPlane.Domain.ServiceAccounts;

/// <summary>What a tenant principal may do inside its tenant. Ordered: a higher role includes the lower ones.</summary>
public enum ServiceAccountRole
{
    /// <summary>Reads only.</summary>
    Viewer = 0,

    /// <summary>Reads and deploys workloads and models.</summary>
    Developer = 1,

    /// <summary>Everything in the tenant, including its service accounts.</summary>
    TenantAdmin = 2,
}
