using System.Security.Claims;
using ControlPlane.Application.Abstractions;
using ControlPlane.Infrastructure.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ControlPlane.Api.Http;

/// <summary>Reads the caller from the validated access token's claims.</summary>
internal sealed class HttpCallerContext(IHttpContextAccessor accessor) : ICallerContext
{
    private Caller? _caller;

    /// <summary>Outside a request (background workers) the system is the caller.</summary>
    public Caller Caller => _caller ??= accessor.HttpContext is { } context ? FromPrincipal(context.User) : Caller.System;

    public string? RequestId => accessor.HttpContext is { } context ? RequestIds.Of(context) : null;

    public static Caller FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return new Caller("anonymous", false, null, null);
        }

        var subject = principal.FindFirstValue(Claims.Subject) ?? "unknown";
        return principal.HasClaim(Claims.Role, ControlPlaneClaims.OperatorRole)
            ? new Caller(subject, true, null, null)
            : new Caller(subject, false, principal.FindFirstValue(ControlPlaneClaims.Tenant), RoleNames.Parse(principal.FindFirstValue(Claims.Role)));
    }
}
