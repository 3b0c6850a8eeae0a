using System.Collections.Concurrent;
using System.Data.Common;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>What one request sent to PostgreSQL through EF Core.</summary>
/// <param name="Statements">SQL statements, a batch counting each of its statements, plus BEGIN and COMMIT.</param>
/// <param name="RoundTrips">Commands and commits sent (Npgsql sends BEGIN with the command after it).</param>
/// <param name="Checkouts">Connections taken from the pool (EF opens one per query outside a transaction).</param>
public sealed record StatementCount(int Statements, int RoundTrips, int Checkouts, IReadOnlyList<string> Sql);

/// <summary>
/// Counts the database work of requests that carry <see cref="Header"/> (a value per test), on the request's own flow
/// (the HTTP context is an async local: background workers and other tests' requests are never counted).
/// </summary>
public sealed class StatementCounter(IHttpContextAccessor http) : IDbCommandInterceptor, IDbConnectionInterceptor, IDbTransactionInterceptor
{
    public const string Header = "X-Test-Count-Statements";

    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    public StatementCount For(string scope) =>
        _tallies.TryGetValue(scope, out var t) ? new(t.Statements, t.RoundTrips, t.Checkouts, [.. t.Sql]) : new(0, 0, 0, []);

    private Tally? Current =>
        http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } scope ? _tallies.GetOrAdd(scope, _ => new Tally()) : null;

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Counted(command, result);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(command, result));

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(command, result));

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(Counted(command, result));

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        if (Current is { } tally)
        {
            Interlocked.Increment(ref tally.Checkouts);
        }

        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Add("BEGIN", roundTrips: 0);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        Add("COMMIT", roundTrips: 1);
        return ValueTask.FromResult(result);
    }

    private T Counted<T>(DbCommand command, T result)
    {
        Add(command.CommandText, roundTrips: 1);
        return result;
    }

    private void Add(string sql, int roundTrips)
    {
        if (Current is not { } tally)
        {
            return;
        }

        // EF sends a SaveChanges batch as one command of ';'-separated statements.
        var statements = sql.Split(';').Count(s => !string.IsNullOrWhiteSpace(s));
        Interlocked.Add(ref tally.Statements, statements);
        Interlocked.Add(ref tally.RoundTrips, roundTrips);
        tally.Sql.Enqueue(sql);
    }

    private sealed class Tally
    {
        public int Statements;
        public int RoundTrips;
        public int Checkouts;
        public readonly ConcurrentQueue<string> Sql = new();
    }
}

/// <summary>A <see cref="ControlPlaneApp"/> whose EF Core contexts report to a <see cref="StatementCounter"/>.</summary>
public class StatementCountingApp : ControlPlaneApp
{
    public StatementCounter Counter => Services.GetRequiredService<StatementCounter>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpContextAccessor();
            services.AddSingleton<StatementCounter>();
            services.ConfigureDbContext<ControlPlaneDbContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<StatementCounter>()));
        });
    }
}
