namespace ControlPlane.Application.Abstractions;

/// <summary>
/// Refuses access tokens that were issued before now, on every replica within seconds (not only when they expire).
/// Both run in the caller's transaction, so the revocation commits exactly when the change that caused it does.
/// </summary>
public interface ITokenRevoker
{
    /// <summary>Every token issued so far to this OAuth client (a deleted service account, or a rotation that revokes).</summary>
    Task RevokeClientTokensAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Every token issued so far to any principal of this tenant (suspended or deleted).</summary>
    Task RevokeTenantTokensAsync(string tenant, CancellationToken cancellationToken);
}
