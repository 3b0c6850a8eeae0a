using System.Security.Claims;
using System.Text.Json;
using ControlPlane.Api.Telemetry;
using ControlPlane.Application.Models;
using ControlPlane.Application.WorkloadIdentity;
using ControlPlane.Infrastructure.Identity;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ControlPlane.Api.Endpoints;

/// <summary>
/// The token endpoint's passthrough. client_credentials: OpenIddict has already authenticated the client (id + secret);
/// this turns the client into claims — its tenant and role, or the operator role — for an access token whose audience
/// is this API. Token exchange: OpenIddict (with <see cref="ServiceAccountSubjectTokenValidator"/>) has verified the
/// pod's service-account token; this issues a model-pull token for its tenant, narrowed to the digest named as resource —
/// or, when the request asks for the API's audience, an API token as the service account the workload is bound to.
/// </summary>
internal static class TokenEndpoint
{
    public static void MapTokenEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/connect/token", Exchange).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> Exchange(HttpContext context, IOpenIddictApplicationManager applications, WorkloadPullGrants grants,
        WorkloadApiGrants apiGrants, ControlPlaneMetrics metrics)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsTokenExchangeGrantType())
        {
            return await ExchangeWorkloadTokenAsync(context, request, grants, apiGrants, metrics);
        }

        if (!request.IsClientCredentialsGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the client_credentials and token-exchange grants are supported.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted);
        if (application is null)
        {
            return Forbid(Errors.InvalidClient, "The client does not exist.");
        }

        var properties = await applications.GetPropertiesAsync(application, context.RequestAborted);
        var role = StringProperty(properties, ControlPlaneClaims.RoleProperty);
        var tenant = StringProperty(properties, ControlPlaneClaims.TenantProperty);
        if (role is null || (role != ControlPlaneClaims.OperatorRole && tenant is null))
        {
            return Forbid(Errors.UnauthorizedClient, "The client has no role in the control plane.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, context.RequestAborted));
        identity.SetClaim(Claims.Role, role);
        if (tenant is not null)
        {
            identity.SetClaim(ControlPlaneClaims.Tenant, tenant);
        }

        identity.SetAudiences(ControlPlaneClaims.ApiAudience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        metrics.TokenIssued(tenant is null ? "operator" : "tenant");
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> ExchangeWorkloadTokenAsync(HttpContext context, OpenIddictRequest request, WorkloadPullGrants grants,
        WorkloadApiGrants apiGrants, ControlPlaneMetrics metrics)
    {
        var subject = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var tenant = subject?.GetClaim(ControlPlaneClaims.Tenant);
        if (subject?.GetClaim(Claims.Subject) is not { } workload || tenant is null || subject.GetClaim(WorkloadTokenExchange.ClusterClaim) is not { } cluster)
        {
            return Forbid(Errors.InvalidRequest, "The subject token must be a Kubernetes service-account token (subject_token_type "
                + WorkloadTokenExchange.SubjectTokenType + ").");
        }

        var verified = new VerifiedWorkload(workload, tenant, cluster);
        if (request.GetAudiences() is { Length: > 0 } audiences)
        {
            return audiences is [ControlPlaneClaims.ApiAudience] && request.GetResources().Length == 0
                ? await ExchangeForApiTokenAsync(context, verified, apiGrants, metrics)
                : Forbid(Errors.InvalidTarget, $"The only audience a workload may ask for is '{ControlPlaneClaims.ApiAudience}' (an API token, without resource); "
                    + "without an audience the exchange issues a model-pull token.");
        }

        var resources = request.GetResources();
        if (resources.Length > 1)
        {
            return Forbid(Errors.InvalidTarget, "Name at most one resource: the digest of the model version to pull.");
        }

        WorkloadPullGrant grant;
        try
        {
            grant = await grants.GrantAsync(verified, resources.FirstOrDefault(), context.RequestAborted);
        }
        catch (WorkloadTokenRefusedException refused)
        {
            return Forbid(refused.Error, refused.Message);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, grant.Subject);
        identity.SetClaim(ControlPlaneClaims.Tenant, grant.Tenant);
        identity.SetClaim(WorkloadTokenExchange.ClusterClaim, cluster);
        var properties = new AuthenticationProperties();
        if (grant.Digest is not null)
        {
            identity.SetClaim(ModelRegistryOptions.DigestClaim, grant.Digest);
            properties.Parameters[WorkloadTokenExchange.DigestParameter] = grant.Digest;
            properties.Parameters[WorkloadTokenExchange.FilesParameter] = JsonSerializer.SerializeToElement(grant.Files, JsonSerializerOptions.Web);
            if (grant.Files is [var only])
            {
                properties.Parameters[WorkloadTokenExchange.PresignedUrlParameter] = only.Url.AbsoluteUri;
            }
        }

        identity.SetScopes(ModelRegistryOptions.PullScope);
        identity.SetAudiences(ModelRegistryOptions.ModelStoreAudience);
        identity.SetAccessTokenLifetime(grant.Lifetime);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        metrics.TokenIssued("workload");
        return Results.SignIn(new ClaimsPrincipal(identity), properties, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// An API token as the bound service account: its client id is the subject (so deleting the account revokes it like
    /// its client-credentials tokens), its role and tenant the account's, the cluster and workload named for the audit.
    /// </summary>
    private static async Task<IResult> ExchangeForApiTokenAsync(HttpContext context, VerifiedWorkload workload, WorkloadApiGrants grants,
        ControlPlaneMetrics metrics)
    {
        WorkloadApiGrant grant;
        try
        {
            grant = await grants.GrantAsync(workload, context.RequestAborted);
        }
        catch (WorkloadTokenRefusedException refused)
        {
            return Forbid(refused.Error, refused.Message);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, grant.ClientId);
        identity.SetClaim(Claims.Name, $"{grant.Tenant}/{grant.ServiceAccount} as {workload.Subject}");
        identity.SetClaim(Claims.Role, RoleNames.Of(grant.Role));
        identity.SetClaim(ControlPlaneClaims.Tenant, grant.Tenant);
        identity.SetClaim(WorkloadTokenExchange.ClusterClaim, workload.Cluster);
        identity.SetAudiences(ControlPlaneClaims.ApiAudience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        metrics.TokenIssued("workload-api");
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string? StringProperty(IReadOnlyDictionary<string, JsonElement> properties, string key) =>
        properties.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
