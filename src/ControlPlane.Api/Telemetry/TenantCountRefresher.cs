using ControlPlane.Application.Abstractions;
using ControlPlane.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using ControlPlane.Domain.Common;

namespace ControlPlane.Api.Telemetry;

/// <summary>Counts tenants by state every 30 seconds for the controlplane.tenants gauge.</summary>
internal sealed class TenantCountRefresher(IServiceScopeFactory scopes, ControlPlaneMetrics metrics, ILogger<TenantCountRefresher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<IControlPlaneDb>();
                var counts = await db.Tenants.GroupBy(t => t.State).Select(g => new { g.Key, Count = g.LongCount() })
                    .ToListAsync(stoppingToken);
                metrics.SetTenantCounts(Enum.GetValues<TenantState>().ToDictionary(
                    s => WireNames.Of(s), s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not count tenants for metrics");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
