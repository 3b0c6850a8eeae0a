using Npgsql;

namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>Reads the revocation table into <see cref="RevocationEpochs"/>, and prunes revocations no live token can predate.</summary>
internal sealed class RevocationTable(NpgsqlDataSource dataSource, RevocationEpochs epochs, TimeProvider clock)
{
    /// <summary>
    /// Longer than any token this issuer signs lives (access tokens at most 15 minutes, model-pull tokens at most an
    /// hour): once a revocation is older, every token it refuses has expired anyway.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(2);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var stored = new List<TokenRevocation>();
        await using (var command = dataSource.CreateCommand("SELECT principal, epoch FROM token_revocations"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add(new TokenRevocation { Principal = reader.GetString(0), Epoch = reader.GetInt64(1) });
            }
        }

        epochs.Replace(stored);
    }

    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM token_revocations WHERE revoked_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() - Retention });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
