using ControlPlane.Application.Audit;
using ControlPlane.Application.Quotas;
using ControlPlane.Application.ServiceAccounts;
using ControlPlane.Application.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Application;

public static class DependencyInjection
{
    /// <summary>Registers the use cases. Infrastructure provides the ports they need.</summary>
    public static IServiceCollection AddControlPlaneApplication(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<AuditTrail>();
        services.AddScoped<AuditQueries>();
        services.AddScoped<TenantService>();
        services.AddScoped<QuotaService>();
        services.AddScoped<ServiceAccountService>();
        return services;
    }
}
