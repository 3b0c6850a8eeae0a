using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Infrastructure.Persistence.Notifications;

/// <summary>
/// Hears what other replicas commit (PostgreSQL LISTEN/NOTIFY) on one connection for every <see cref="INotificationChannel"/>
/// (token revocations, fleet changes). The connection is re-established with backoff after any failure (a database
/// restart, a failover, a dropped socket), and every (re)connection resynchronises each channel, so nothing committed
/// while it was away is missed.
/// </summary>
internal sealed partial class NotificationListener(NpgsqlDataSource dataSource, IEnumerable<INotificationChannel> channels,
    ILogger<NotificationListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    // A silently dead socket never errors: probe the connection when nothing arrived for this long.
    private static readonly TimeSpan IdleProbe = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, INotificationChannel> _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_channels.Count == 0)
        {
            return;
        }

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
        connection.Notification += (_, notification) =>
        {
            if (_channels.TryGetValue(notification.Channel, out var channel))
            {
                channel.Apply(notification.Payload);
            }
        };
        // Channel names are constants of this assembly, never input.
        await using var listen = new NpgsqlCommand(string.Join("; ", _channels.Keys.Select(name => $"LISTEN {name}")), connection);
        await listen.ExecuteNonQueryAsync(stoppingToken);
        try
        {
            foreach (var channel in _channels.Values)
            {
                await channel.ResynchroniseAsync(stoppingToken);
            }

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
        finally
        {
            // The pool does not reset connections (No Reset On Close): a healthy one must not go back still listening.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notification listener lost its database connection; reconnecting in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
