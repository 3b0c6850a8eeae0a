// Billing benchmark against the running service (started by bench/run.sh with BENCH_ONLY=billing):
//   1. ingestion: batches of 1,000 events, 10% of each batch re-sent from earlier batches, posted by 8 concurrent
//      clients; then the database is counted: every distinct event stored exactly once, the rollup agrees;
//   2. a tenant with N (default 10,000,000) usage events this month, bulk-loaded in SQL, then the month's statement
//      (live, from the hourly rollup) and its full recompute from the raw events (:verify), timed through the API.
//
//   dotnet BillingBench.dll --api URL --operator-id ID --operator-secret S --connection CS [--batches 300] [--events 10000000]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

string Arg(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

var api = new Uri(Arg("--api", "http://127.0.0.1:58080"));
var connectionString = Arg("--connection", "");
var servicePid = Arg("--service-pid", "");
var postmasterPid = Arg("--postgres-pid", "");
var batches = int.Parse(Arg("--batches", "1500"), CultureInfo.InvariantCulture);
var bulkEvents = long.Parse(Arg("--events", "10000000"), CultureInfo.InvariantCulture);
const int BatchSize = 1000;
const int Resent = 100;
const int Clients = 8;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = api, Timeout = TimeSpan.FromMinutes(10) };
var operatorToken = await TokenAsync(Arg("--operator-id", "operator"), Arg("--operator-secret", ""));
var now = DateTimeOffset.UtcNow;
var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
var month = monthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture);

// The price book (backdated to the month's start: only the first version may be) and two tenants.
if ((await Send(HttpMethod.Get, "/v1/price-book", operatorToken)).StatusCode != System.Net.HttpStatusCode.OK)
{
    await Expect(HttpMethod.Put, "/v1/price-book", operatorToken, new
    {
        currency = "USD", effectiveFrom = monthStart,
        prices = new object[]
        {
            new { meter = "tokens-in", dimensions = new { }, unitPrice = 0.000002m },
            new { meter = "tokens-out", dimensions = new { }, unitPrice = 0.000006m },
            new { meter = "tokens-in", dimensions = new { model = "m1" }, unitPrice = 0.0000015m },
            new { meter = "inferences", dimensions = new { }, unitPrice = 0.0001m },
            new { meter = "egress-bytes", dimensions = new { }, unitPrice = 0.00000000009m },
        },
    });
}

var ingestToken = await TenantTokenAsync("ingest");
await TenantTokenAsync("bigco");

// 1. Ingestion. Bodies are built before the clock starts, so the generator's JSON work is not measured.
var random = new Random(42);
var bodies = new List<byte[]>(batches);
long nextId = 0;
for (var b = 0; b < batches; b++)
{
    var ids = new List<long>(BatchSize);
    for (var i = 0; i < BatchSize - (b == 0 ? 0 : Resent); i++)
    {
        ids.Add(nextId++);
    }

    while (ids.Count < BatchSize)
    {
        ids.Add(random.NextInt64(0, b * (long)(BatchSize - Resent))); // an id an earlier batch already sent
    }

    var time = now.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
    bodies.Add(JsonSerializer.SerializeToUtf8Bytes(new
    {
        events = ids.Select(id => new
        {
            id = "ev-" + id.ToString(CultureInfo.InvariantCulture), source = "bench/serving", type = id % 2 == 0 ? "tokens-in" : "inferences",
            time, data = new { quantity = 1 + id % 100, dimensions = new { model = "m" + (id % 5).ToString(CultureInfo.InvariantCulture) } },
        }),
    }));
}

// JIT warm-up on another tenant: the first batches of a fresh process are several times slower.
var warmupToken = await TenantTokenAsync("warmup");
foreach (var body in bodies.Take(Math.Min(20, batches)))
{
    using var warm = new HttpRequestMessage(HttpMethod.Post, "/v1/usage-events:batch")
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
    };
    warm.Headers.Authorization = new AuthenticationHeaderValue("Bearer", warmupToken);
    (await http.SendAsync(warm)).EnsureSuccessStatusCode();
}

long accepted = 0, duplicates = 0, failures = 0, next = -1;
var cpuBefore = CpuSeconds(servicePid, postmasterPid);
var stopwatch = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
{
    for (var b = Interlocked.Increment(ref next); b < bodies.Count; b = Interlocked.Increment(ref next))
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/usage-events:batch")
        {
            Content = new ByteArrayContent(bodies[(int)b]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref failures);
            continue;
        }

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Interlocked.Add(ref accepted, result.GetProperty("accepted").GetInt32());
        Interlocked.Add(ref duplicates, result.GetProperty("duplicates").GetInt32());
    }
}));
stopwatch.Stop();
var cpuAfter = CpuSeconds(servicePid, postmasterPid);
var sent = (long)batches * BatchSize;
string CpuPerBatch(string who) => ((cpuAfter.GetValueOrDefault(who) - cpuBefore.GetValueOrDefault(who)) * 1000 / batches).ToString("N1", CultureInfo.InvariantCulture);
await using var db = NpgsqlDataSource.Create(connectionString);
var (stored, rolledUp) = await CountAsync("ingest");
var ingestionOk = failures == 0 && stored == nextId && accepted == nextId && duplicates == sent - nextId && rolledUp == stored;

// 2. Ten million events this month for bigco, bulk-loaded (the rollup built from them the way ingestion would).
var bulk = Stopwatch.StartNew();
await using (var load = db.CreateCommand("""
    INSERT INTO usage_events (tenant_id, source, event_id, meter, subject, time, quantity, dimension_key)
    SELECT t.id, 'bench/bulk', 'e' || g, (ARRAY['tokens-in','tokens-out','inferences','egress-bytes'])[1 + g % 4], 'p' || (g % 7),
           $2 + ((g % $3) * interval '1 second'), 1 + g % 1000, 'model=m' || (g % 5)
    FROM tenants t, generate_series(1::bigint, $1) g WHERE t.name = 'bigco'
    """))
{
    load.CommandTimeout = 0;
    load.Parameters.AddWithValue(bulkEvents);
    load.Parameters.AddWithValue(monthStart);
    load.Parameters.AddWithValue((long)Math.Max(1, (now.AddMinutes(-5) - monthStart).TotalSeconds));
    await load.ExecuteNonQueryAsync();
}

foreach (var sql in new[]
{
    """
    INSERT INTO usage_hourly (tenant_id, hour, meter, dimension_key, subject, quantity, events)
    SELECT tenant_id, date_bin('1 hour', time, timestamptz '2000-01-01 00:00:00+00'), meter, dimension_key, subject, sum(quantity), count(*)
    FROM usage_events WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'bigco') GROUP BY 1, 2, 3, 4, 5
    """,
    "ANALYZE usage_events",
    "ANALYZE usage_hourly",
})
{
    await using var step = db.CreateCommand(sql);
    step.CommandTimeout = 0;
    await step.ExecuteNonQueryAsync();
}

bulk.Stop();
var bigcoToken = await TenantTokenAsync("bigco", existing: true);
var statementTimes = new List<double>();
JsonElement statement = default;
for (var i = 0; i < 5; i++)
{
    var watch = Stopwatch.StartNew();
    statement = await Expect(HttpMethod.Get, $"/v1/tenants/bigco/statements/{month}", bigcoToken);
    statementTimes.Add(watch.Elapsed.TotalMilliseconds);
}

var verifyWatch = Stopwatch.StartNew();
var verification = await Expect(HttpMethod.Post, $"/v1/tenants/bigco/statements/{month}:verify", bigcoToken);
verifyWatch.Stop();
var rawEvents = verification.GetProperty("rawEvents").GetInt64();
var recomputeOk = verification.GetProperty("matches").GetBoolean() && rawEvents == bulkEvents;
statementTimes.Sort();

Console.WriteLine("## Billing");
Console.WriteLine();
Console.WriteLine("| Scenario | Measured | Target | Check |");
Console.WriteLine("|---|---:|---:|---|");
Console.WriteLine($"| ingestion, {batches} batches × {BatchSize} ({Resent} re-sent each), {Clients} clients | {sent / stopwatch.Elapsed.TotalSeconds:N0} events/s " +
    $"({nextId / stopwatch.Elapsed.TotalSeconds:N0} new/s, {stopwatch.Elapsed.TotalSeconds:N1} s) | ≥ 50,000 events/s | " +
    $"{(ingestionOk ? "ok" : "**FAILED**")}: {accepted:N0} accepted, {duplicates:N0} duplicates, {stored:N0} rows = {nextId:N0} distinct ids, rollup {rolledUp:N0}, {failures} failed requests |");
Console.WriteLine($"| ingestion CPU per batch of 1,000 | service {CpuPerBatch("service")} ms, PostgreSQL {CpuPerBatch("postgres")} ms, " +
    $"generator {CpuPerBatch("generator")} ms, other {CpuPerBatch("other")} ms | 2 cores = 40 ms per batch at 50,000/s | |");
Console.WriteLine($"| statement of a month with {bulkEvents:N0} events (rollup) | median {statementTimes[2]:N0} ms, first {statementTimes.Max():N0} ms | ≤ 1 s | " +
    $"{statement.GetProperty("lines").GetArrayLength()} lines, total {statement.GetProperty("total").GetDecimal().ToString(CultureInfo.InvariantCulture)} |");
Console.WriteLine($"| full recompute from the raw events (:verify) | {verifyWatch.Elapsed.TotalMilliseconds:N0} ms | ≤ 10 s | " +
    $"{(recomputeOk ? "ok" : "**FAILED**")}: {rawEvents:N0} events, matches = {verification.GetProperty("matches").GetBoolean()} |");
Console.WriteLine();
Console.WriteLine($"(bulk load of the {bulkEvents:N0} events and their rollup in SQL: {bulk.Elapsed.TotalSeconds:N0} s, not a target)");
return ingestionOk && recomputeOk ? 0 : 3;

// CPU seconds (user + system) of the service, PostgreSQL, this generator and everything else, from /proc. With
// --service-pid and --postgres-pid (bench/run.sh passes both) only this run's service and PostgreSQL (its postmaster,
// the backends it forked and those it reaped) count: other engineers' services and test databases on a shared machine
// are "other".
static Dictionary<string, double> CpuSeconds(string servicePid, string postmasterPid)
{
    var totals = new Dictionary<string, double>();
    var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
    {
        try
        {
            var pid = Path.GetFileName(dir);
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double Ticks(int field) => double.Parse(fields[field], CultureInfo.InvariantCulture);
            var seconds = (Ticks(11) + Ticks(12)) / 100;
            var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            var who = pid == self ? "generator"
                : servicePid.Length > 0 ? (pid == servicePid ? "service" : "")
                : cmdline.Contains("ControlPlane.Api.dll", StringComparison.Ordinal) ? "service" : "";
            if (who.Length == 0)
            {
                var isPostgres = postmasterPid.Length > 0
                    ? pid == postmasterPid || fields[1] == postmasterPid
                    : stat.Contains("(postgres)", StringComparison.Ordinal);
                who = isPostgres ? "postgres" : "other";
                if (pid == postmasterPid)
                {
                    seconds += (Ticks(13) + Ticks(14)) / 100; // backends that ended
                }
            }

            totals[who] = totals.GetValueOrDefault(who) + seconds;
        }
        catch (IOException)
        {
            // the process ended while being read
        }
    }

    return totals;
}

async Task<(long Stored, long RolledUp)> CountAsync(string tenant)
{
    await using var count = db.CreateCommand("""
        SELECT (SELECT count(*) FROM usage_events e WHERE e.tenant_id = t.id), (SELECT coalesce(sum(events), 0)::bigint FROM usage_hourly h WHERE h.tenant_id = t.id)
        FROM tenants t WHERE t.name = $1
        """);
    count.Parameters.AddWithValue(tenant);
    await using var reader = await count.ExecuteReaderAsync();
    await reader.ReadAsync();
    return (reader.GetInt64(0), reader.GetInt64(1));
}

async Task<string> TenantTokenAsync(string tenant, bool existing = false)
{
    if (!existing)
    {
        await Expect(HttpMethod.Post, "/v1/tenants", operatorToken, new { name = tenant });
    }

    var account = await Expect(HttpMethod.Post, $"/v1/tenants/{tenant}/service-accounts", operatorToken,
        new { name = "sa-" + Guid.NewGuid().ToString("N")[..8], role = "developer" });
    return await TokenAsync(account.GetProperty("clientId").GetString()!, account.GetProperty("clientSecret").GetString()!);
}

async Task<string> TokenAsync(string clientId, string secret)
{
    using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
    }));
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    return body.GetProperty("access_token").GetString() ?? throw new InvalidOperationException("no token");
}

async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body = null)
{
    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return await http.SendAsync(request);
}

async Task<JsonElement> Expect(HttpMethod method, string path, string token, object? body = null)
{
    using var response = await Send(method, path, token, body);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    }

    return text.Length == 0 ? default : JsonDocument.Parse(Encoding.UTF8.GetBytes(text)).RootElement.Clone();
}
