using ControlPlane.Application.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Common;

/// <summary>Tenant lookups shared by the use cases that address resources by tenant name.</summary>
public static class TenantLookup
{
    /// <summary>The tenant's id, or the 404 a missing (or invisible) tenant gets.</summary>
    public static async Task<Guid> RequireTenantIdAsync(this IControlPlaneDb db, string tenantName, CancellationToken cancellationToken) =>
        await db.Tenants.Where(t => t.Name == tenantName).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(cancellationToken)
        ?? throw new ResourceNotFoundException("tenant", tenantName);

    /// <summary>A field naming a tenant (e.g. dedicatedTenant) must name an existing one; null means none.</summary>
    public static async Task EnsureTenantFieldAsync(this IControlPlaneDb db, string field, string? tenant, CancellationToken cancellationToken)
    {
        if (tenant is not null && !await db.Tenants.AnyAsync(t => t.Name == tenant, cancellationToken))
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { [field] = [$"tenant '{tenant}' does not exist"] });
        }
    }
}
