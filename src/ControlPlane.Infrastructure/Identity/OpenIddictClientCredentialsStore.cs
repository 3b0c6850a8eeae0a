using System.Text.Json;
using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.ServiceAccounts;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>Service accounts are OpenIddict applications (confidential clients) in the same database and transaction.</summary>
internal sealed class OpenIddictClientCredentialsStore(IOpenIddictApplicationManager applications) : IClientCredentialsStore
{
    public async Task CreateTenantClientAsync(string clientId, string secret, string displayName, string tenant,
        ServiceAccountRole role, CancellationToken cancellationToken)
    {
        var descriptor = ClientDescriptor(clientId, secret, displayName);
        descriptor.Properties[ControlPlaneClaims.TenantProperty] = JsonSerializer.SerializeToElement(tenant);
        descriptor.Properties[ControlPlaneClaims.RoleProperty] = JsonSerializer.SerializeToElement(RoleNames.Of(role));
        await applications.CreateAsync(descriptor, cancellationToken);
    }

    public async Task ReplaceSecretAsync(string clientId, string secret, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new InvalidOperationException($"The OAuth client '{clientId}' does not exist.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        descriptor.ClientSecret = secret;
        await applications.UpdateAsync(application, descriptor, cancellationToken);
    }

    public async Task DeleteAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
        {
            await applications.DeleteAsync(application, cancellationToken);
        }
    }

    internal static OpenIddictApplicationDescriptor ClientDescriptor(string clientId, string secret, string displayName) => new()
    {
        ClientId = clientId,
        ClientSecret = secret,
        ClientType = ClientTypes.Confidential,
        DisplayName = displayName,
        Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
    };
}

/// <summary>Role names as they appear in tokens and JSON (kebab-case).</summary>
public static class RoleNames
{
    public static string Of(ServiceAccountRole role) => role switch
    {
        ServiceAccountRole.TenantAdmin => "tenant-admin",
        ServiceAccountRole.Developer => "developer",
        _ => "viewer",
    };

    public static ServiceAccountRole? Parse(string? name) => name switch
    {
        "tenant-admin" => ServiceAccountRole.TenantAdmin,
        "developer" => ServiceAccountRole.Developer,
        "viewer" => ServiceAccountRole.Viewer,
        _ => null,
    };
}
