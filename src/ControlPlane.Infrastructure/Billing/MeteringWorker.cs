using ControlPlane.Application.Billing;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Billing;

/// <summary>
/// Every Metering:Interval: accrues GPU-seconds and storage byte-hours, records budget threshold crossings and closes
/// months past their grace period. Safe in any number of replicas (watermark row locks, idempotent event ids,
/// primary keys on alerts and statements).
/// </summary>
internal sealed class MeteringWorker(IServiceScopeFactory scopes, IOptions<MeteringOptions> options, TimeProvider clock,
    WorkerMetrics metrics, ILogger<MeteringWorker> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Activity => "Metering";

    /// <summary>One pass, each step in its own scope (and transactions).</summary>
    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        using (var scope = scopes.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SystemMetering>().AccrueAsync(Clock.GetUtcNow(), cancellationToken);
        }

        using (var scope = scopes.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<BudgetAlerts>().EvaluateAsync(cancellationToken);
        }

        using (var scope = scopes.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<StatementService>().CloseDueAsync(cancellationToken);
        }
    }
}
