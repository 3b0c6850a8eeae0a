using ControlPlane.Application.Abstractions;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// Raises a principal's epoch in the caller's transaction and notifies every replica; PostgreSQL delivers the
/// notification only when (and if) that transaction commits.
/// </summary>
internal sealed class PostgresTokenRevoker(ControlPlaneDbContext db, TimeProvider clock) : ITokenRevoker
{
    public Task RevokeClientTokensAsync(string clientId, CancellationToken cancellationToken) =>
        RevokeAsync(RevocationPrincipals.Client(clientId), cancellationToken);

    public Task RevokeTenantTokensAsync(string tenant, CancellationToken cancellationToken) =>
        RevokeAsync(RevocationPrincipals.Tenant(tenant), cancellationToken);

    /// <summary>The principal's current epoch (0 when it was never revoked), to stamp into a token being issued.</summary>
    public async Task<long> EpochAsync(string principal, CancellationToken cancellationToken) =>
        await db.TokenRevocations.Where(r => r.Principal == principal).Select(r => (long?)r.Epoch)
            .FirstOrDefaultAsync(cancellationToken) ?? 0;

    private async Task RevokeAsync(string principal, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            WITH revoked AS (
                INSERT INTO token_revocations (principal, epoch, revoked_at)
                VALUES ({principal}, nextval('token_revocation_epochs'), {clock.GetUtcNow()})
                ON CONFLICT (principal) DO UPDATE SET epoch = excluded.epoch, revoked_at = excluded.revoked_at
                RETURNING principal, epoch)
            SELECT pg_notify('token_revocations', principal || '=' || epoch) FROM revoked
            """, cancellationToken);
}
