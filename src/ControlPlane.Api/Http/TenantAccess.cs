using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using ControlPlane.Domain.ServiceAccounts;

namespace ControlPlane.Api.Http;

/// <summary>Who may call a route that names a tenant: operators always; tenant principals of that tenant with this role.</summary>
/// <param name="MinimumRole">The least role a tenant principal needs; null means operators only.</param>
public sealed record TenantAccessMetadata(ServiceAccountRole? MinimumRole);

internal static class TenantAccess
{
    public const string RouteValue = "tenant";

    /// <summary>Tenant principals of the tenant with at least <paramref name="role"/> may call this route.</summary>
    public static TBuilder AllowTenantRole<TBuilder>(this TBuilder builder, ServiceAccountRole role)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new TenantAccessMetadata(role));

    /// <summary>Only platform operators may call this route (tenant principals get 403 for their own tenant, 404 for others).</summary>
    public static TBuilder OperatorOnly<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new TenantAccessMetadata(null));

    /// <summary>
    /// Applied to every /v1 route. A tenant principal naming any other tenant gets exactly the 404 a missing tenant gets,
    /// before anything else runs; routes without <see cref="TenantAccessMetadata"/> are operator-only (fail closed).
    /// </summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = http.RequestServices.GetRequiredService<ICallerContext>().Caller;
        if (caller.IsOperator || http.GetRouteValue(RouteValue) is not string tenant)
        {
            return await next(context);
        }

        if (!string.Equals(caller.Tenant, tenant, StringComparison.Ordinal))
        {
            throw new ResourceNotFoundException("tenant", tenant);
        }

        var access = http.GetEndpoint()?.Metadata.GetMetadata<TenantAccessMetadata>();
        if (access?.MinimumRole is not { } minimum || caller.Role is not { } role || role < minimum)
        {
            throw new ForbiddenException("forbidden", access?.MinimumRole is { } needed
                ? $"This operation needs the {Infrastructure.Identity.RoleNames.Of(needed)} role or higher in tenant '{tenant}'."
                : "This operation is reserved to platform operators.");
        }

        return await next(context);
    }
}
