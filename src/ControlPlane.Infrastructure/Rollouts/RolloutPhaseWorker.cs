using ControlPlane.Application.Rollouts;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Rollouts;

/// <summary>
/// Publishes every placement's latest rollout phase (controlplane_rollout_phase) from the database each poll, on every
/// replica — also one that runs no rollout worker — and on a loop of its own, so a slow analysis pass (a Prometheus
/// that times out) never leaves the gauge behind what another replica or a user changed.
/// </summary>
internal sealed class RolloutPhaseWorker(IServiceScopeFactory scopes, IOptions<RolloutOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<RolloutPhaseWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.PollInterval;

    protected override string Activity => "rollout phase export";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RolloutPhaseExport>().PublishAsync(cancellationToken);
    }
}
