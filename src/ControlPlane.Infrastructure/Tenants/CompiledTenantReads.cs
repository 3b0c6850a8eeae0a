using ControlPlane.Application.Tenants;
using ControlPlane.Domain.Tenants;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Tenants;

/// <summary>
/// A compiled EF Core query: the LINQ tree is translated once per process instead of being built, hashed and looked up
/// in the query cache on every call; the mapping (enum names, jsonb labels, xmin) stays EF Core's, in one place.
/// </summary>
internal sealed class CompiledTenantReads(ControlPlaneDbContext db) : ITenantReads
{
    private static readonly Func<ControlPlaneDbContext, string, CancellationToken, Task<Tenant?>> ByName =
        EF.CompileAsyncQuery((ControlPlaneDbContext context, string name, CancellationToken _) =>
            context.Tenants.AsNoTracking().FirstOrDefault(t => t.Name == name));

    public Task<Tenant?> FindByNameAsync(string name, CancellationToken cancellationToken) => ByName(db, name, cancellationToken);
}
