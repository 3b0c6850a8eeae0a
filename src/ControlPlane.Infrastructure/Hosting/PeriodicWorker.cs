using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Infrastructure.Hosting;

/// <summary>
/// A background loop that runs one pass every interval until the host stops. A failed pass is logged and the next one
/// comes an interval later: the worker never dies of one bad pass.
/// </summary>
internal abstract partial class PeriodicWorker(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The clock the pauses are measured with (and passes may read).</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>The pause between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What a pass does, for the log ("Metering", "Cluster capacity sync", …).</summary>
    protected abstract string Activity { get; }

    /// <summary>Wait one interval before the first pass (when something else already does the work at start-up).</summary>
    protected virtual bool WaitFirst => false;

    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (WaitFirst)
        {
            await PauseAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex, Activity);
            }

            await PauseAsync(stoppingToken);
        }
    }

    // Stopping ends the pause without throwing; the loop condition then ends the worker.
    private Task PauseAsync(CancellationToken stoppingToken) =>
        Task.Delay(Interval, Clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Activity} failed; retrying")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string activity);
}
