using ControlPlane.Application.Clusters;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Infrastructure.Hosting;

/// <summary>
/// A background loop that runs one pass every interval until the host stops. A pass runs its steps (one per cluster,
/// per placement, …) through <see cref="RunStepAsync"/>, so one failing step is logged, counted and retried next pass
/// without stopping the others; a pass that fails outside any step is counted as step "pass". The worker never dies.
/// </summary>
internal abstract partial class PeriodicWorker(TimeProvider clock, WorkerMetrics metrics, ILogger logger) : BackgroundService
{
    /// <summary>The clock the pauses are measured with (and passes may read).</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>The pause between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What a pass does, for the log ("Metering", "Cluster capacity sync", …).</summary>
    protected abstract string Activity { get; }

    /// <summary>The worker label of controlplane_worker_failures_total: the activity in kebab case ("cluster-capacity-sync").</summary>
    private string WorkerLabel => Activity.ToLowerInvariant().Replace(' ', '-');

    /// <summary>Wait one interval before the first pass (when something else already does the work at start-up).</summary>
    protected virtual bool WaitFirst => false;

    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    /// <summary>Runs one step of a pass on its own: a failure is logged and counted, and the pass goes on.</summary>
    /// <param name="step">The step label, e.g. "sync".</param>
    /// <param name="cluster">The cluster the step is about, if any (a label too).</param>
    /// <param name="action">The step.</param>
    /// <param name="stoppingToken">Stopping the host is not a failure.</param>
    /// <param name="item">What within the step failed (a tenant, a month), for the log only: the metric stays bounded.</param>
    protected async Task RunStepAsync(string step, string? cluster, Func<Task> action, CancellationToken stoppingToken, string? item = null)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            // Whatever a step throws while the host stops is part of stopping, not a failure (and must not escape:
            // an exception out of a BackgroundService stops the host).
            if (!stoppingToken.IsCancellationRequested)
            {
                Failed(step, cluster, item, ex);
            }
        }
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (WaitFirst)
        {
            await PauseAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await RunStepAsync("pass", null, () => RunPassAsync(stoppingToken), stoppingToken);
            await PauseAsync(stoppingToken);
        }
    }

    private void Failed(string step, string? cluster, string? item, Exception exception)
    {
        metrics.Failed(WorkerLabel, step, cluster);
        // An unreachable cluster or database is an expected condition: one line, no stack trace. Anything else is a bug.
        if (exception is ClusterUnavailableException or ClusterRejectedException || TransientDatabaseFailure.Is(exception))
        {
            LogStepUnavailable(logger, Activity, step, cluster, item, exception.Message);
        }
        else
        {
            LogStepFailed(logger, exception, Activity, step, cluster, item);
        }
    }

    // Stopping ends the pause without throwing; the loop condition then ends the worker.
    private Task PauseAsync(CancellationToken stoppingToken) =>
        Task.Delay(Interval, Clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Activity} failed at step {Step} (cluster {Cluster}, item {Item}); retrying next pass")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string activity, string step, string? cluster, string? item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Activity} failed at step {Step} (cluster {Cluster}, item {Item}): {Error}; retrying next pass")]
    private static partial void LogStepUnavailable(ILogger logger, string activity, string step, string? cluster, string? item, string error);
}
