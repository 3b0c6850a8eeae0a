using Microsoft.Extensions.Options;
using Npgsql;

namespace ControlPlane.Infrastructure.Idempotency;

/// <summary>
/// Deletes idempotency records older than the retention, in batches of bounded size. Any number of replicas may run it
/// at once: a row two of them pick is deleted by one, and the claim treats an expired record as absent anyway, so the
/// contract never depends on when the delete happens.
/// </summary>
internal sealed class IdempotencyKeyExpiry(NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options, TimeProvider clock)
{
    /// <summary>Deletes every record expired at the clock's now; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = clock.GetUtcNow() - settings.Retention;
        var total = 0;
        int deleted;
        do
        {
            await using var command = dataSource.CreateCommand(
                """
                DELETE FROM idempotency_records
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency_records WHERE claimed_at < $1 LIMIT $2))
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            command.Parameters.Add(new NpgsqlParameter { Value = settings.PruneBatchSize });
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == settings.PruneBatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }
}
