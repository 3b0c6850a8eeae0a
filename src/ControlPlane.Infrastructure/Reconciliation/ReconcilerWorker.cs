using System.Diagnostics;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Reconciliation;
using ControlPlane.Application.Slos;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Placements;
using ControlPlane.Infrastructure.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Reconciliation;

/// <summary>
/// Drains the outbox: leases due requests, reconciles each in a scope of its own, completes it or schedules a retry
/// with capped exponential backoff and jitter. Any number of replicas may run this at once.
/// </summary>
internal sealed class ReconcilerWorker(IServiceScopeFactory scopes, IOptions<ReconcilerOptions> options, ReconcilerMetrics metrics,
    WorkerMetrics workerMetrics, TimeProvider clock, ILogger<ReconcilerWorker> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<ReconcileRequest> leased;
                using (var scope = scopes.CreateScope())
                {
                    leased = await scope.ServiceProvider.GetRequiredService<IReconcileQueue>()
                        .LeaseAsync(_owner, settings.BatchSize, settings.LeaseDuration, stoppingToken);
                    metrics.SetPending(await scope.ServiceProvider.GetRequiredService<IControlPlaneDb>().ReconcileRequests.LongCountAsync(stoppingToken));
                }

                if (leased.Count == 0)
                {
                    await Task.Delay(settings.PollInterval, clock, stoppingToken);
                    continue;
                }

                await Parallel.ForEachAsync(leased, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = stoppingToken },
                    async (request, token) => await ProcessAsync(request, settings, token));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                workerMetrics.Failed("reconciler", "lease", null);
                logger.LogError(ex, "Reconciler loop failed; retrying");
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
        }
    }

    private async Task ProcessAsync(ReconcileRequest request, ReconcilerOptions settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = scopes.CreateScope();
        var queue = scope.ServiceProvider.GetRequiredService<IReconcileQueue>();
        ReconcileOutcome outcome;
        try
        {
            outcome = request.Action switch
            {
                ReconcileAction.SyncSloRules or ReconcileAction.SyncTraffic =>
                    await scope.ServiceProvider.GetRequiredService<SloClusterReconciler>().ProcessAsync(request, cancellationToken),
                ReconcileAction.SyncRollout =>
                    await scope.ServiceProvider.GetRequiredService<Application.Rollouts.RolloutClusterReconciler>().ProcessAsync(request, cancellationToken),
                _ => await scope.ServiceProvider.GetRequiredService<PlacementReconciler>().ProcessAsync(request, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Reconcile request {Id} for placement {PlacementId} failed", request.Id, request.PlacementId);
            outcome = new ReconcileOutcome.RetryLater(ex.GetType().Name + ": " + ex.Message);
        }

        var action = WireNames.Of(request.Action);
        switch (outcome)
        {
            case ReconcileOutcome.Done:
                await queue.CompleteAsync(request.Id, _owner, CancellationToken.None);
                metrics.Processed(action, "done", Stopwatch.GetElapsedTime(started));
                break;
            case ReconcileOutcome.RetryLater retry:
                var delay = RetryBackoff.Delay(request.Attempts, settings.InitialBackoff, settings.MaxBackoff, Random.Shared);
                await queue.RetryLaterAsync(request.Id, _owner, clock.GetUtcNow() + delay, StatusMessage.Fit(retry.Error)!, CancellationToken.None);
                metrics.Processed(action, "retry", Stopwatch.GetElapsedTime(started));
                break;
        }
    }
}
