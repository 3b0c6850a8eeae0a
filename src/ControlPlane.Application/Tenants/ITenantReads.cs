using ControlPlane.Domain.Tenants;

namespace ControlPlane.Application.Tenants;

/// <summary>The hot reads of a tenant: every tenant-scoped GET starts with one.</summary>
public interface ITenantReads
{
    /// <summary>The tenant of exactly this name (untracked), or null.</summary>
    Task<Tenant?> FindByNameAsync(string name, CancellationToken cancellationToken);
}
