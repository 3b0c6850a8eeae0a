using ControlPlane.Application.Common;

namespace ControlPlane.Application.Tenants;

/// <summary>
/// Reads one tenant. Apart from <see cref="TenantService"/> so that the most frequent authenticated request builds only
/// what it uses: the service's writers (client credentials, token revocation, audit, quota locks) cost a GET more to
/// construct than the read itself (issue 14, measured with perf).
/// </summary>
public sealed class TenantQueries(ITenantReads reads)
{
    public async Task<Versioned<TenantResponse>> GetAsync(string name, CancellationToken cancellationToken)
    {
        var tenant = await reads.FindByNameAsync(name, cancellationToken) ?? throw new ResourceNotFoundException("tenant", name);
        return new(TenantResponse.From(tenant), tenant.Version);
    }
}
