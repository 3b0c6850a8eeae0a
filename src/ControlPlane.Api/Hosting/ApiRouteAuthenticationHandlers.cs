using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace ControlPlane.Api.Hosting;

/// <summary>
/// ASP.NET Core's handler lookup, except that API routes (<c>/v1/…</c>) have no OpenIddict server handler. The
/// authentication middleware offers every request to each scheme that can handle requests itself; the OpenIddict
/// server's handler then builds its request context (request and issuer URIs, endpoint inference: a dozen handlers)
/// only to find that the request is none of its endpoints, which all live outside /v1 (/connect/token,
/// /.well-known/…). That was 9% of the CPU of an authenticated GET (perf, issue 14). Tokens on API routes are
/// validated by OpenIddict's validation scheme, the default scheme, which this leaves untouched; a route under /v1
/// asking the server scheme for anything would fail loudly (no handler), never pass silently.
/// </summary>
internal sealed class ApiRouteAuthenticationHandlers(IAuthenticationSchemeProvider schemes) : IAuthenticationHandlerProvider
{
    private readonly AuthenticationHandlerProvider _handlers = new(schemes);

    public Task<IAuthenticationHandler?> GetHandlerAsync(HttpContext context, string authenticationScheme) =>
        authenticationScheme == OpenIddictServerAspNetCoreDefaults.AuthenticationScheme && IsApiRoute(context.Request.Path)
            ? Task.FromResult<IAuthenticationHandler?>(null)
            : _handlers.GetHandlerAsync(context, authenticationScheme);

    public static bool IsApiRoute(PathString path) => path.StartsWithSegments("/v1", StringComparison.Ordinal);
}
