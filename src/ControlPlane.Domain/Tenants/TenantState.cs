namespace ControlPlane.Domain.Tenants;

/// <summary>Lifecycle of a tenant.</summary>
public enum TenantState
{
    /// <summary>The tenant may read and create.</summary>
    Active,

    /// <summary>The tenant may read but not create.</summary>
    Suspended,

    /// <summary>The tenant is being torn down.</summary>
    Deleting,
}
