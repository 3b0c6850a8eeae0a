using System.ComponentModel.DataAnnotations;
using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Application.ServiceAccounts;

/// <summary>A service account as the API shows it (never with its secret).</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Tenant">The owning tenant's name.</param>
/// <param name="Name">DNS-1123 label, unique in the tenant.</param>
/// <param name="Description">What the account is for.</param>
/// <param name="Role">tenant-admin, developer or viewer.</param>
/// <param name="ClientId">The OAuth client id to use with the client-credentials grant at /connect/token.</param>
/// <param name="SecretRotatedAt">When the current secret was issued (UTC).</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
public sealed record ServiceAccountResponse(
    Guid Id, string Tenant, string Name, string Description, ServiceAccountRole Role, string ClientId,
    DateTimeOffset SecretRotatedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static ServiceAccountResponse From(ServiceAccount a, string tenant) => new(
        a.Id, tenant, a.Name, a.Description, a.Role, a.ClientId, a.SecretRotatedAt, a.CreatedAt, a.UpdatedAt);
}

/// <summary>A service account with its client secret: returned once, at creation and at rotation. Store it now.</summary>
/// <param name="ServiceAccount">The account.</param>
/// <param name="ClientId">The OAuth client id.</param>
/// <param name="ClientSecret">The OAuth client secret, shown only in this response.</param>
public sealed record ServiceAccountCredentialsResponse(ServiceAccountResponse ServiceAccount, string ClientId, string ClientSecret) : ICarriesSecret;

/// <summary>Creates a service account.</summary>
/// <param name="Name">DNS-1123 label, unique in the tenant.</param>
/// <param name="Role">tenant-admin, developer or viewer.</param>
/// <param name="Description">What the account is for.</param>
public sealed record CreateServiceAccountRequest(
    [property: MaxLength(ResourceName.MaxLength), RegularExpression(ResourceName.Pattern)] string Name, ServiceAccountRole? Role,
    [property: MaxLength(ServiceAccount.DescriptionMaxLength)] string? Description = null);
