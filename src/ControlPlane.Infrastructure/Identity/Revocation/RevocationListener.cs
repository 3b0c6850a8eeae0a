using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>
/// Applies revocations the moment another replica commits them (PostgreSQL LISTEN/NOTIFY). The connection is
/// re-established with backoff after any failure (a database restart, a failover, a dropped socket), and every
/// (re)connection re-reads the table, so nothing committed while it was away is missed.
/// </summary>
internal sealed partial class RevocationListener(NpgsqlDataSource dataSource, RevocationEpochs epochs, RevocationTable table,
    ILogger<RevocationListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    // A silently dead socket never errors: probe the connection when nothing arrived for this long.
    private static readonly TimeSpan IdleProbe = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(() => backoff = MinBackoff, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, ex, backoff.TotalSeconds);
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task ListenAsync(Action connected, CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, notification) => epochs.Apply(notification.Payload);
        await using var listen = new NpgsqlCommand($"LISTEN {RevocationPrincipals.Channel}", connection);
        await listen.ExecuteNonQueryAsync(stoppingToken);
        await table.RefreshAsync(stoppingToken);
        connected();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(IdleProbe, stoppingToken))
            {
                // LISTEN again is a no-op round trip that fails on a dead connection.
                await listen.ExecuteNonQueryAsync(stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token revocation listener lost its database connection; reconnecting in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
