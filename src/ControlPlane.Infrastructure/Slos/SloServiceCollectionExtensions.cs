using ControlPlane.Application.Slos;
using ControlPlane.Infrastructure.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Infrastructure.Slos;

internal static class SloServiceCollectionExtensions
{
    public static IServiceCollection AddControlPlaneSlos(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SloOptions>().Bind(configuration.GetSection(SloOptions.Section))
            .Validate(o => o.EvaluationInterval >= TimeSpan.FromSeconds(1), "Slos:EvaluationInterval must be at least 1 second.")
            .Validate(o => o.QueryTimeout > TimeSpan.Zero, "Slos:QueryTimeout must be positive.")
            .Validate(o => o.RemediationCooldown >= TimeSpan.Zero, "Slos:RemediationCooldown must not be negative.")
            .Validate(o => o.BatchSize > 0, "Slos:BatchSize must be positive.")
            .Validate(o => o.HistoryMargin >= TimeSpan.Zero, "Slos:HistoryMargin must not be negative.")
            .Validate(o => o.MaxHistoryRetention >= TimeSpan.FromHours(1), "Slos:MaxHistoryRetention must be at least 1 hour.")
            .Validate(o => o.HistoryPruneBatchSize > 0, "Slos:HistoryPruneBatchSize must be positive.")
            .ValidateOnStart();
        services.AddHttpClient<IPrometheusQueries, PrometheusHttpQueries>((sp, http) =>
            http.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SloOptions>>().Value.QueryTimeout);
        services.AddScoped<ISloSchedule, PostgresSloSchedule>();
        services.AddScoped<ISloLocks, PostgresSloLocks>();
        services.AddSingleton<ISloEvaluationWriter, PostgresSloEvaluationWriter>();
        services.AddScoped<IUsageSlices, PostgresUsageSlices>();
        services.AddSingleton<IOpenSloFormat, OpenSloYaml>();
        services.AddSingleton<IClusterSloObjects>(sp => sp.GetRequiredService<KubernetesClusterGateway>());
        if (configuration.GetValue(SloOptions.Section + ":" + nameof(SloOptions.Enabled), true))
        {
            services.AddHostedService<SloEvaluationWorker>();
        }

        return services;
    }
}
