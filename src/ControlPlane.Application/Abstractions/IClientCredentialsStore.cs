using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Application.Abstractions;

/// <summary>The OAuth client registry behind service accounts (the OIDC server's application store).</summary>
public interface IClientCredentialsStore
{
    /// <summary>Registers a confidential client allowed the client-credentials grant; the secret is stored hashed.</summary>
    Task CreateTenantClientAsync(string clientId, string secret, string displayName, string tenant, ServiceAccountRole role, CancellationToken cancellationToken);

    /// <summary>Replaces the client's secret; the old one stops working at once.</summary>
    Task ReplaceSecretAsync(string clientId, string secret, CancellationToken cancellationToken);

    /// <summary>Removes the client; no new token is issued to it.</summary>
    Task DeleteAsync(string clientId, CancellationToken cancellationToken);
}
