using ControlPlane.Application.Billing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Billing;

/// <summary>
/// Every Metering:Interval: accrues GPU-seconds and storage byte-hours, records budget threshold crossings and closes
/// months past their grace period. Safe in any number of replicas (watermark row locks, idempotent event ids,
/// primary keys on alerts and statements).
/// </summary>
internal sealed class MeteringWorker(IServiceScopeFactory scopes, IOptions<MeteringOptions> options, TimeProvider clock,
    ILogger<MeteringWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(scopes, clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Metering failed; retrying");
            }

            await Task.Delay(options.Value.Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One iteration, each step in its own scope (and transactions).</summary>
    public static async Task RunOnceAsync(IServiceScopeFactory scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using (var scope = scopes.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SystemMetering>().AccrueAsync(now, cancellationToken);
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
