using System.Security.Claims;
using ControlPlane.Application.WorkloadIdentity;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>
/// Validates the subject token of a workload token exchange: a Kubernetes projected service-account JWT, which
/// OpenIddict cannot validate itself (another issuer, another key). It runs before OpenIddict's own JWT validation
/// and hands it a principal carrying the verified tenant, or rejects the exchange with the reason.
/// </summary>
internal sealed class ServiceAccountSubjectTokenValidator(WorkloadIdentityVerifier verifier) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<ServiceAccountSubjectTokenValidator>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is not null || !context.ValidTokenTypes.Contains(WorkloadTokenExchange.SubjectTokenType))
        {
            return;
        }

        // A token read from a file (`kubectl create token > file`, a mounted secret) ends with a newline, which the cluster's
        // TokenReview would not find. A JWT never contains whitespace: only trailing whitespace is dropped, nothing inside.
        var token = context.Token.TrimEnd(' ', '\t', '\r', '\n');
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            context.Reject(Errors.InvalidRequest, "The subject token is not a JWT.");
            return;
        }

        // Unverified claims only pick the cluster and fail fast; the cluster's TokenReview decides.
        var claims = new WorkloadTokenClaims(jwt.Issuer is { Length: > 0 } issuer ? issuer : null, [.. jwt.Audiences],
            jwt.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        try
        {
            var workload = await verifier.VerifyAsync(token, claims, context.Transaction.CancellationToken);
            var identity = new ClaimsIdentity(WorkloadTokenExchange.AuthenticationType, Claims.Subject, Claims.Role);
            identity.SetClaim(Claims.Subject, workload.Subject)
                .SetClaim(ControlPlaneClaims.Tenant, workload.Tenant)
                .SetClaim(WorkloadTokenExchange.ClusterClaim, workload.Cluster);
            context.Principal = new ClaimsPrincipal(identity)
                .SetTokenType(WorkloadTokenExchange.SubjectTokenType)
                .SetExpirationDate(claims.ExpiresAt);
        }
        catch (WorkloadTokenRefusedException refused)
        {
            context.Reject(refused.Error, refused.Message);
        }
    }
}
