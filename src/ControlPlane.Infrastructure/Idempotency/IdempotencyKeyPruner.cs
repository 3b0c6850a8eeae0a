using ControlPlane.Infrastructure.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Infrastructure.Idempotency;

/// <summary>Every Idempotency:PruneInterval, removes expired idempotency records, so the table holds about a day of keys.</summary>
internal sealed class IdempotencyKeyPruner(IdempotencyKeyExpiry expiry, IOptions<IdempotencyOptions> options, TimeProvider clock,
    WorkerMetrics metrics, ILogger<IdempotencyKeyPruner> logger) : PeriodicWorker(clock, metrics, logger)
{
    protected override TimeSpan Interval => options.Value.PruneInterval;

    protected override string Activity => "Idempotency key expiry";

    protected override Task RunPassAsync(CancellationToken cancellationToken) => expiry.PruneAsync(cancellationToken);
}
