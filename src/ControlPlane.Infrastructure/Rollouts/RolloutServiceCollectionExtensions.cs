using ControlPlane.Application.Rollouts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Infrastructure.Rollouts;

internal static class RolloutServiceCollectionExtensions
{
    public static IServiceCollection AddControlPlaneRollouts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RolloutOptions>().Bind(configuration.GetSection(RolloutOptions.Section))
            .Validate(o => o.PollInterval >= TimeSpan.FromMilliseconds(100), "Rollouts:PollInterval must be at least 100 ms.")
            .Validate(o => o.BatchSize > 0, "Rollouts:BatchSize must be positive.")
            .ValidateOnStart();
        services.AddScoped<IRolloutSchedule, PostgresRolloutSchedule>();
        if (configuration.GetValue(RolloutOptions.Section + ":" + nameof(RolloutOptions.ExportPhases), true))
        {
            services.AddHostedService<RolloutPhaseWorker>();
        }

        if (configuration.GetValue(RolloutOptions.Section + ":" + nameof(RolloutOptions.Enabled), true))
        {
            services.AddHostedService<RolloutWorker>();
        }

        return services;
    }
}
