using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// The fallback behind <see cref="RevocationChannel"/>: a notification lost while the listener reconnects is still
/// applied within one poll interval (Identity:RevocationPollInterval). It pauses in real time whatever clock the
/// service runs on: revocation must propagate even where tests drive the clock.
/// </summary>
internal sealed class RevocationPoller(RevocationTable table, IOptions<IdentityOptions> identity, WorkerMetrics metrics,
    ILogger<RevocationPoller> logger) : PeriodicWorker(TimeProvider.System, metrics, logger)
{
    protected override TimeSpan Interval => identity.Value.RevocationPollInterval;

    protected override string Activity => "Token revocation poll";

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        await table.PruneAsync(cancellationToken);
        await table.RefreshAsync(cancellationToken);
    }
}
