using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Application.Quotas;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.Tenants;

/// <summary>Tenant lifecycle: operators create, change, suspend, resume and delete tenants.</summary>
public sealed class TenantService(IControlPlaneDb db, IQuotaLocks quotaLocks, IClientCredentialsStore clients, ITokenRevoker revoker, AuditTrail audit, TimeProvider clock)
{
    public async Task<Versioned<TenantResponse>> CreateAsync(CreateTenantRequest request, CancellationToken cancellationToken)
    {
        TenantValidation.Validate(request);
        if (await db.Tenants.AnyAsync(t => t.Name == request.Name, cancellationToken))
        {
            throw new ConflictException("already-exists", $"A tenant named '{request.Name}' already exists.");
        }

        var tenant = Tenant.Create(request.Name, request.DisplayName ?? request.Name, request.IsolationTier ?? IsolationTier.Soft,
            request.AllowedRegions ?? [], request.Labels?.ToDictionary() ?? [], clock.GetUtcNow());
        db.Tenants.Add(tenant);
        audit.Record("tenant.create", $"tenants/{tenant.Name}", tenant.Name);
        await db.SaveChangesAsync(cancellationToken);
        return new(TenantResponse.From(tenant), tenant.Version);
    }

    public async Task<Page<TenantResponse>> ListAsync(PageRequest page, TenantState? state, CancellationToken cancellationToken)
    {
        var query = db.Tenants.AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(t => t.State == s);
        }

        if (page.After is { } after)
        {
            query = query.Where(t => string.Compare(t.Name, after) > 0);
        }

        var rows = await query.OrderBy(t => t.Name).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, t => t.Name, TenantResponse.From);
    }

    public async Task<Versioned<TenantResponse>> UpdateAsync(string name, UpdateTenantRequest request, string? ifMatch, CancellationToken cancellationToken)
    {
        TenantValidation.Validate(request);
        var tenant = await LoadForChangeAsync(name, ifMatch, cancellationToken);
        tenant.Update(request.DisplayName, request.IsolationTier, request.AllowedRegions, request.Labels?.ToDictionary(), clock.GetUtcNow());
        audit.Record("tenant.update", $"tenants/{name}", name);
        await db.SaveChangesAsync(cancellationToken);
        return new(TenantResponse.From(tenant), tenant.Version);
    }

    /// <summary>Its principals' live tokens are refused within seconds; new tokens they request can read but not create.</summary>
    public Task<Versioned<TenantResponse>> SuspendAsync(string name, string? ifMatch, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async () =>
        {
            // The tenant is found (or 404) before anything is written; both commit together.
            var suspended = await TransitionAsync(name, ifMatch, "tenant.suspend", t => t.Suspend(clock.GetUtcNow()), cancellationToken);
            await revoker.RevokeTenantTokensAsync(name, cancellationToken);
            return suspended;
        }, cancellationToken);

    public Task<Versioned<TenantResponse>> ResumeAsync(string name, string? ifMatch, CancellationToken cancellationToken) =>
        TransitionAsync(name, ifMatch, "tenant.resume", t => t.Resume(clock.GetUtcNow()), cancellationToken);

    /// <summary>Refused while the tenant holds anything that consumes quota; its service accounts and their live tokens go with it.</summary>
    public async Task DeleteAsync(string name, string? ifMatch, CancellationToken cancellationToken)
    {
        await db.InTransactionAsync(async () =>
        {
            var tenant = await LoadForChangeAsync(name, ifMatch, cancellationToken);
            // Admission locks the same quota rows, so nothing can be reserved between this check and the delete.
            var quotas = await quotaLocks.LockAsync(tenant.Id, null, cancellationToken);
            var held = quotas.Values.Where(q => q.Used > 0).ToList();
            if (held.Count > 0)
            {
                throw new ConflictException("tenant-has-live-resources",
                    $"Tenant '{name}' still holds resources ({string.Join(", ", held.Select(h => $"{h.Resource}: {h.Used}"))}); delete them first.",
                    new Dictionary<string, object?> { ["resources"] = held.ToDictionary(h => h.Resource, h => (object?)h.Used) });
            }

            var models = await db.Models.Where(m => m.TenantId == tenant.Id).Select(m => m.Name).ToListAsync(cancellationToken);
            if (models.Count > 0)
            {
                throw new ConflictException("tenant-has-live-resources",
                    $"Tenant '{name}' still has models ({string.Join(", ", models)}); delete them first.",
                    new Dictionary<string, object?> { ["models"] = models });
            }

            // Only finished placements can remain (live ones hold quota, refused above); their history goes with the tenant.
            await db.Placements.Where(p => p.TenantId == tenant.Id).ExecuteDeleteAsync(cancellationToken);
            var accounts = await db.ServiceAccounts.Where(a => a.TenantId == tenant.Id).ToListAsync(cancellationToken);
            foreach (var account in accounts)
            {
                await clients.DeleteAsync(account.ClientId, cancellationToken);
            }

            await revoker.RevokeTenantTokensAsync(name, cancellationToken);
            db.ServiceAccounts.RemoveRange(accounts);
            db.Quotas.RemoveRange(quotas.Values);
            db.Tenants.Remove(tenant);
            audit.Record("tenant.delete", $"tenants/{name}", name);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    private async Task<Versioned<TenantResponse>> TransitionAsync(string name, string? ifMatch, string action,
        Action<Tenant> transition, CancellationToken cancellationToken)
    {
        var tenant = await LoadForChangeAsync(name, ifMatch, cancellationToken);
        transition(tenant);
        audit.Record(action, $"tenants/{name}", name);
        await db.SaveChangesAsync(cancellationToken);
        return new(TenantResponse.From(tenant), tenant.Version);
    }

    private async Task<Tenant> LoadForChangeAsync(string name, string? ifMatch, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Name == name, cancellationToken)
            ?? throw new ResourceNotFoundException("tenant", name);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, tenant.Version))
        {
            throw new PreconditionFailedException("tenant", name);
        }

        return tenant;
    }
}
