using System.Threading.Channels;
using ControlPlane.Application.Audit;
using ControlPlane.Domain.Audit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ControlPlane.Infrastructure.Audit;

/// <summary>
/// Group commit for standalone audit events: callers queue their event and wait; one writer inserts whatever has
/// queued up — while it writes, the next batch gathers — as one statement (AuditEventRows), then
/// completes every waiter. Under load that is one round trip and one commit for many requests; idle, it adds nothing.
/// </summary>
internal sealed partial class GroupCommitAuditLog(NpgsqlDataSource database, ILogger<GroupCommitAuditLog> logger) : BackgroundService, IAuditLog
{
    private const int MaxBatch = 1_000;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var pending = new Pending(auditEvent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The audit log is shutting down.");
        }

        // The caller may stop waiting; the event is still written (it may describe credentials already minted).
        await pending.Written.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: refuse new events, write the ones already queued.
            _queue.Writer.TryComplete();
            await DrainAsync(batch, CancellationToken.None);
        }
    }

    private async Task DrainAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await WriteAsync(batch, cancellationToken);
                batch.ForEach(p => p.Written.TrySetResult());
            }
            // Whatever went wrong, every waiter must hear it (a request must not hang, nor answer as if audited).
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogBatchFailed(logger, e, batch.Count);
                batch.ForEach(p => p.Written.TrySetException(e));
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = AuditEventRows.InsertCommand(connection, [.. batch.Select(p => p.Event)]);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} audit events failed; their requests fail too")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    private sealed record Pending(AuditEvent Event, TaskCompletionSource Written);
}
