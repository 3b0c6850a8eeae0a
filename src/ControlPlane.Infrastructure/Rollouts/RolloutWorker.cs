using ControlPlane.Application.Rollouts;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Rollouts;

/// <summary>Analyses and advances due rollouts every poll; safe in any number of replicas (each rollout is claimed by one per interval).</summary>
internal sealed class RolloutWorker(IServiceScopeFactory scopes, IOptions<RolloutOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<RolloutWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.PollInterval;

    protected override string Activity => "rollout analysis";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RolloutProgression>().RunDueAsync(cancellationToken);
    }
}
