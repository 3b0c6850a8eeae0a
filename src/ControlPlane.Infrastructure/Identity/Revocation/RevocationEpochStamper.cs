using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// Stamps every access token with the revocation epochs in force when it was requested: its client's (client
/// credentials: read by <see cref="ClientWithEpochsStore"/> with the client, before the secret was checked; a workload's
/// API token, whose subject is its bound service account's client: read by <see cref="BoundServiceAccountsWithEpochs"/>
/// with the binding) and its tenant's (read with the client or the binding when they name that tenant, otherwise now).
/// <see cref="RevokedTokenRejector"/> refuses it once either epoch is raised.
/// </summary>
internal sealed class RevocationEpochStamper(IssuanceEpochs read, PostgresTokenRevoker revocations) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<RevocationEpochStamper>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        if (context.Request.IsClientCredentialsGrantType())
        {
            Stamp(identity, RevocationPrincipals.ClientEpochClaim, read.ClientEpoch(context.Request.ClientId));
        }
        else if (read.ClientEpochIfRead(identity.GetClaim(Claims.Subject)) is { } bound)
        {
            // A workload's API token: its subject is the client whose epoch was read with the binding. (Recognising it
            // by grant type and audience instead found no audience on the principal here, and left the claim out.)
            Stamp(identity, RevocationPrincipals.ClientEpochClaim, bound);
        }

        if (identity.GetClaim(ControlPlaneClaims.Tenant) is { } tenant)
        {
            Stamp(identity, RevocationPrincipals.TenantEpochClaim, read.TenantEpoch(tenant)
                ?? await revocations.EpochAsync(RevocationPrincipals.Tenant(tenant), context.CancellationToken));
        }
    }

    private static void Stamp(ClaimsIdentity identity, string claim, long epoch)
    {
        identity.SetClaim(claim, epoch.ToString(CultureInfo.InvariantCulture));
        identity.FindFirst(claim)!.SetDestinations(Destinations.AccessToken);
    }
}
