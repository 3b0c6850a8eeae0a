using System.Buffers.Text;
using System.Security.Cryptography;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Audit;
using ControlPlane.Application.Common;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.ServiceAccounts;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Application.ServiceAccounts;

/// <summary>Machine identities of a tenant: created with a one-time secret, rotated, deleted.</summary>
public sealed class ServiceAccountService(IControlPlaneDb db, IClientCredentialsStore clients, ITokenRevoker revoker, AuditTrail audit,
    TimeProvider clock)
{
    public async Task<Versioned<ServiceAccountCredentialsResponse>> CreateAsync(string tenantName, CreateServiceAccountRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.AddIf(!ResourceName.IsValid(request.Name), "name", ResourceName.Rule);
        errors.AddIf(request.Role is null, "role", "is required: tenant-admin, developer or viewer");
        errors.AddIf(request.Description?.Length > ServiceAccount.DescriptionMaxLength, "description",
            $"must be at most {ServiceAccount.DescriptionMaxLength} characters");
        errors.ThrowIfAny();

        return await db.InTransactionAsync(async () =>
        {
            var tenant = await TenantAsync(tenantName, cancellationToken);
            tenant.EnsureCanCreate();
            if (await db.ServiceAccounts.AnyAsync(a => a.TenantId == tenant.Id && a.Name == request.Name, cancellationToken))
            {
                throw new ConflictException("already-exists", $"A service account named '{request.Name}' already exists in tenant '{tenantName}'.");
            }

            var account = ServiceAccount.Create(tenant.Id, tenant.Name, request.Name, request.Description ?? "", request.Role!.Value,
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), clock.GetUtcNow());
            var secret = NewSecret();
            db.ServiceAccounts.Add(account);
            audit.Record("service-account.create", Target(tenantName, account.Name), tenantName,
                new Dictionary<string, string> { ["role"] = WireNames.Of(account.Role), ["clientId"] = account.ClientId });
            await clients.CreateTenantClientAsync(account.ClientId, secret, $"{tenantName}/{account.Name}", tenantName, account.Role, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return new Versioned<ServiceAccountCredentialsResponse>(
                new(ServiceAccountResponse.From(account, tenantName), account.ClientId, secret), account.Version);
        }, cancellationToken);
    }

    public async Task<Page<ServiceAccountResponse>> ListAsync(string tenantName, PageRequest page, CancellationToken cancellationToken)
    {
        var tenant = await TenantAsync(tenantName, cancellationToken);
        var query = db.ServiceAccounts.AsNoTracking().Where(a => a.TenantId == tenant.Id);
        if (page.After is { } after)
        {
            query = query.Where(a => string.Compare(a.Name, after) > 0);
        }

        var rows = await query.OrderBy(a => a.Name).Take(page.PageSize + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, a => a.Name, a => ServiceAccountResponse.From(a, tenantName));
    }

    public async Task<Versioned<ServiceAccountResponse>> GetAsync(string tenantName, string name, CancellationToken cancellationToken)
    {
        var account = await AccountAsync(tenantName, name, cancellationToken);
        return new(ServiceAccountResponse.From(account, tenantName), account.Version);
    }

    /// <summary>
    /// Issues a new secret; the previous one is refused from now on. Tokens already issued live until they expire, unless
    /// <paramref name="revokeExistingTokens"/> (a leaked secret): then they are refused within seconds too.
    /// </summary>
    public async Task<Versioned<ServiceAccountCredentialsResponse>> RotateSecretAsync(string tenantName, string name, string? ifMatch,
        bool revokeExistingTokens, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            var account = await AccountAsync(tenantName, name, cancellationToken, ifMatch);
            var secret = NewSecret();
            account.SecretRotated(clock.GetUtcNow());
            audit.Record("service-account.rotate-secret", Target(tenantName, name), tenantName,
                new Dictionary<string, string> { ["revokeExistingTokens"] = revokeExistingTokens ? "true" : "false" });
            await clients.ReplaceSecretAsync(account.ClientId, secret, cancellationToken);
            if (revokeExistingTokens)
            {
                await revoker.RevokeClientTokensAsync(account.ClientId, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            return new Versioned<ServiceAccountCredentialsResponse>(
                new(ServiceAccountResponse.From(account, tenantName), account.ClientId, secret), account.Version);
        }, cancellationToken);

    public async Task DeleteAsync(string tenantName, string name, string? ifMatch, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async () =>
        {
            var account = await AccountAsync(tenantName, name, cancellationToken, ifMatch);
            db.ServiceAccounts.Remove(account);
            audit.Record("service-account.delete", Target(tenantName, name), tenantName,
                new Dictionary<string, string> { ["clientId"] = account.ClientId });
            await clients.DeleteAsync(account.ClientId, cancellationToken);
            await revoker.RevokeClientTokensAsync(account.ClientId, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>256 random bits: high entropy, so a fast salted hash is as safe for it as a slow password hash.</summary>
    private static string NewSecret() => "cps_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string Target(string tenant, string name) => $"tenants/{tenant}/service-accounts/{name}";

    private async Task<Tenant> TenantAsync(string tenantName, CancellationToken cancellationToken) =>
        await db.Tenants.FirstOrDefaultAsync(t => t.Name == tenantName, cancellationToken)
        ?? throw new ResourceNotFoundException("tenant", tenantName);

    private async Task<ServiceAccount> AccountAsync(string tenantName, string name, CancellationToken cancellationToken, string? ifMatch = null)
    {
        var tenant = await TenantAsync(tenantName, cancellationToken);
        var account = await db.ServiceAccounts.FirstOrDefaultAsync(a => a.TenantId == tenant.Id && a.Name == name, cancellationToken)
            ?? throw new ResourceNotFoundException("service account", name);
        if (ifMatch is not null && !ConcurrencyToken.Matches(ifMatch, account.Version))
        {
            throw new PreconditionFailedException("service account", name);
        }

        return account;
    }
}
