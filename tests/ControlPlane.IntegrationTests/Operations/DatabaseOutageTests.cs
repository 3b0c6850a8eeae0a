using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace ControlPlane.IntegrationTests.Operations;

/// <summary>The service on a PostgreSQL server of its own, which the test stops and starts (the shared one serves other classes).</summary>
public sealed class OutageApp : ControlPlaneApp
{
    public PostgresServer.LocalCluster Database { get; private set; } = null!;

    protected override async Task<string> CreateDatabaseAsync()
    {
        Database = await PostgresServer.StartPrivateAsync("outage");
        return Database.ConnectionString;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Database?.Dispose();
    }
}

public sealed class DatabaseOutageTests(OutageApp app, ITestOutputHelper output) : IClassFixture<OutageApp>
{
    private const int Writers = 6;

    [Fact]
    public async Task Writers_with_idempotency_keys_lose_nothing_across_a_database_restart_and_hear_503_with_retry_after_meanwhile()
    {
        using var op = await app.OperatorClientAsync();
        using var probe = app.CreateClient();
        var acknowledged = new ConcurrentDictionary<string, string>(); // tenant name (= key) → id from the 201
        var retriedKeys = new ConcurrentDictionary<string, byte>();
        var outageAnswers = new ConcurrentBag<HttpResponseMessage>();
        var successes = new ConcurrentBag<long>(); // Stopwatch timestamps of every 201
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var name = $"w{w}-{n}";
                while (true)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants")
                    {
                        Content = JsonContent.Create(new { name, displayName = name }),
                    };
                    request.Headers.Add("Idempotency-Key", name);
                    var response = await op.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        successes.Add(Stopwatch.GetTimestamp());
                        acknowledged[name] = (await response.JsonAsync()).GetProperty("id").GetString()!;
                        break;
                    }

                    retriedKeys[name] = 0;
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        outageAnswers.Add(response);
                    }
                    else if (response.StatusCode != HttpStatusCode.Conflict)
                    {
                        // A 409 is a duplicate still in flight (retry); anything else is a defect the test reports.
                        Assert.Fail($"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }

                    await Task.Delay(50); // the client's retry pace (it would honour Retry-After; the test wants the recovery time)
                }
            }
        })).ToList();

        await Eventually.TrueAsync(() => acknowledged.Count >= 2 * Writers, "writes before the outage");
        app.Database.StopServer();
        await Eventually.TrueAsync(() => outageAnswers.Count >= 2 * Writers, "503 answers while PostgreSQL is down");
        await Eventually.MatchesAsync(() => probe.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            "readiness failing while PostgreSQL is down");
        var acknowledgedBeforeRestart = acknowledged.Count;

        app.Database.StartServer(); // returns once the server accepts connections
        var restarted = Stopwatch.GetTimestamp();
        await Eventually.TrueAsync(() => successes.Any(t => t > restarted), "a successful write after the restart", TimeSpan.FromSeconds(5));
        var firstSuccess = Stopwatch.GetElapsedTime(restarted, successes.Where(t => t > restarted).Min());
        output.WriteLine($"first 201 {firstSuccess.TotalMilliseconds:0} ms after PostgreSQL accepted connections again; " +
            $"{outageAnswers.Count} answers 503 during the outage; {acknowledgedBeforeRestart} writes acknowledged before the restart");
        await Eventually.TrueAsync(() => acknowledged.Count >= acknowledgedBeforeRestart + 2 * Writers, "writes after the restart");
        await Eventually.MatchesAsync(() => probe.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, "readiness after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        foreach (var answer in outageAnswers.Take(20))
        {
            await answer.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable");
            Assert.NotNull(answer.Headers.RetryAfter);
        }

        // Zero acknowledged writes lost, and nothing written that was not acknowledged: each key made exactly one tenant.
        var stored = await TenantsAsync();
        Assert.Equal(acknowledged.OrderBy(a => a.Key), stored.OrderBy(s => s.Key));
        Assert.NotEmpty(retriedKeys);
        foreach (var key in retriedKeys.Keys.Where(acknowledged.ContainsKey))
        {
            using var replay = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants") { Content = JsonContent.Create(new { name = key, displayName = key }) };
            replay.Headers.Add("Idempotency-Key", key);
            var body = await (await op.SendAsync(replay)).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(acknowledged[key], body.GetProperty("id").GetString());
        }
    }

    private async Task<Dictionary<string, string>> TenantsAsync()
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT name, id::text FROM tenants WHERE name ~ '^w[0-9]+-[0-9]+$'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tenants = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            tenants[reader.GetString(0)] = reader.GetString(1);
        }

        return tenants;
    }
}
