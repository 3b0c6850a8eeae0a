using ControlPlane.Infrastructure.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ControlPlane.Api.Hosting;

internal static class AuthorizationSetup
{
    public const string OperatorPolicy = "platform-operator";
    public const string AuditReaderPolicy = "audit-reader";
    public const string UsageWriterPolicy = "usage-writer";

    /// <summary>Every endpoint needs a valid token unless it says otherwise; tenant routes add <see cref="Http.TenantAccess"/>.</summary>
    public static IServiceCollection AddControlPlaneAuthorization(this IServiceCollection services) =>
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(OperatorPolicy, policy => policy.RequireClaim(Claims.Role, ControlPlaneClaims.OperatorRole))
            .AddPolicy(AuditReaderPolicy, policy => policy.RequireClaim(Claims.Role, ControlPlaneClaims.OperatorRole, "tenant-admin"))
            .AddPolicy(UsageWriterPolicy, policy => policy.RequireClaim(Claims.Role, ControlPlaneClaims.OperatorRole, "tenant-admin", "developer"))
            .Services;
}
