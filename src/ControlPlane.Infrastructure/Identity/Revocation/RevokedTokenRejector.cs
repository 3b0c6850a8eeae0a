using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// Refuses a token whose client or tenant was revoked after it was issued. It runs on every request after the
/// signature and lifetime checks, so tokens served from <see cref="ValidatedTokenCache"/> are refused too.
/// </summary>
internal sealed class RevokedTokenRejector(RevocationEpochs epochs) : IOpenIddictValidationHandler<ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RevokedTokenRejector>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateExpirationDate.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is { } principal && epochs.Refuses(
                principal.GetClaim(Claims.Subject), Epoch(principal, RevocationPrincipals.ClientEpochClaim),
                principal.GetClaim(ControlPlaneClaims.Tenant), Epoch(principal, RevocationPrincipals.TenantEpochClaim)))
        {
            context.Reject(Errors.InvalidToken, "The token was revoked.");
        }

        return ValueTask.CompletedTask;
    }

    // Tokens issued before epochs were stamped count as epoch 0: any revocation refuses them.
    private static long Epoch(ClaimsPrincipal principal, string claim) =>
        long.TryParse(principal.GetClaim(claim), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? epoch : 0;
}
