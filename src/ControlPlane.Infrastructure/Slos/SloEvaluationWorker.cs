using ControlPlane.Application.Slos;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Slos;

/// <summary>
/// Evaluates due SLOs every pause; safe in any number of replicas (each SLO is claimed by one of them per interval).
/// It polls at a fraction of the interval so that a new or redefined SLO is evaluated soon after it is stored.
/// </summary>
internal sealed class SloEvaluationWorker(IServiceScopeFactory scopes, IOptions<SloOptions> options, TimeProvider clock,
    WorkerMetrics metrics, ILogger<SloEvaluationWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.EvaluationInterval / 4;

    protected override string Activity => "SLO evaluation";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<SloEvaluator>().EvaluateDueAsync(cancellationToken);
    }
}
