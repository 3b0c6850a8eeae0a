namespace ControlPlane.Domain.Tenants;

/// <summary>How strongly a tenant's workloads are separated from other tenants'.</summary>
public enum IsolationTier
{
    /// <summary>Namespaces, RBAC and NetworkPolicy on shared node pools.</summary>
    Soft,

    /// <summary>Sandboxed runtimes (gVisor, Kata) on pools not shared with soft tenants.</summary>
    Strong,

    /// <summary>Only clusters dedicated to the tenant.</summary>
    Physical,
}
