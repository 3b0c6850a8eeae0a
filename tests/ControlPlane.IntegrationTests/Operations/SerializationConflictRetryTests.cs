using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ControlPlane.IntegrationTests.Operations;

/// <summary>
/// A transaction that loses a race (PostgreSQL aborts it with 40001 or 40P01) is run again in-process, a bounded number of
/// times, when it is safe to: the caller sees success instead of a 503.
/// </summary>
public sealed class SerializationConflictRetryTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>, IAsyncLifetime
{
    public async Task InitializeAsync() => await app.ExecuteSqlAsync("CREATE TABLE IF NOT EXISTS retry_probe (name text NOT NULL)");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_transaction_that_loses_a_serializable_write_skew_is_run_again_and_commits()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IControlPlaneDb>();
        var attempts = 0;
        var seen = await db.InTransactionAsync(async () =>
        {
            attempts++;
            await ((DbContext)db).Database.ExecuteSqlRawAsync("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            var before = await ((DbContext)db).Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM retry_probe WHERE name LIKE 'skew-%'").SingleAsync();
            if (attempts == 1)
            {
                // A concurrent serializable transaction reads the same rows, inserts and commits first: this one's insert
                // below then closes a read-write cycle and PostgreSQL aborts it with 40001.
                await using var other = new NpgsqlConnection(app.ConnectionString);
                await other.OpenAsync();
                await using var tx = await other.BeginTransactionAsync(System.Data.IsolationLevel.Serializable);
                await using (var read = new NpgsqlCommand("SELECT count(*) FROM retry_probe WHERE name LIKE 'skew-%'", other, tx))
                {
                    await read.ExecuteScalarAsync();
                }

                await using (var insert = new NpgsqlCommand("INSERT INTO retry_probe VALUES ('skew-other')", other, tx))
                {
                    await insert.ExecuteNonQueryAsync();
                }

                await tx.CommitAsync();
            }

            await ((DbContext)db).Database.ExecuteSqlRawAsync("INSERT INTO retry_probe VALUES ('skew-mine')");
            return before;
        }, CancellationToken.None);

        Assert.Equal(2, attempts);
        Assert.Equal(1, seen); // the second run saw the winner's row
        Assert.Equal(["skew-mine", "skew-other"], await NamesAsync("skew-%"));
    }

    [Fact]
    public async Task Retries_are_bounded_and_a_unit_that_tracked_entities_before_it_began_is_not_run_again()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IControlPlaneDb>();
        var attempts = 0;
        var always = await Assert.ThrowsAnyAsync<Exception>(() => db.InTransactionAsync(async () =>
        {
            attempts++;
            await ((DbContext)db).Database.ExecuteSqlRawAsync("INSERT INTO retry_probe VALUES ('bounded')");
            await ((DbContext)db).Database.ExecuteSqlRawAsync("DO $$ BEGIN RAISE EXCEPTION 'lost again' USING ERRCODE = 'deadlock_detected'; END $$");
            return 0;
        }, CancellationToken.None));
        Assert.True(db.IsSerializationConflict(always));
        Assert.Equal(TransactionExtensions.MaxAttempts, attempts);
        Assert.Empty(await NamesAsync("bounded"));

        // Something tracked before the unit began would be lost by starting over: the conflict stands at once.
        db.AuditEvents.Add(ControlPlane.Domain.Audit.AuditEvent.Record(DateTimeOffset.UtcNow, "test", null, "probe", "probe", "succeeded", "r", null));
        attempts = 0;
        await Assert.ThrowsAnyAsync<Exception>(() => db.InTransactionAsync(async () =>
        {
            attempts++;
            await ((DbContext)db).Database.ExecuteSqlRawAsync("DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = 'serialization_failure'; END $$");
            return 0;
        }, CancellationToken.None));
        Assert.Equal(1, attempts);
    }

    private Task<List<string>> NamesAsync(string pattern) =>
        app.ColumnSqlAsync<string>("SELECT name FROM retry_probe WHERE name LIKE @p ORDER BY name", ("p", pattern));
}
