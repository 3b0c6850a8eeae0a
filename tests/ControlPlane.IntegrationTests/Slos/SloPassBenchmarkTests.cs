using System.Diagnostics;
using System.Globalization;
using ControlPlane.Application.Abstractions;
using ControlPlane.Application.Slos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>
/// The test plays the worker, with the production query timeout (10 s): a pass at scale is what is measured. The
/// reconciler and metering workers are off — at the tests' 100 ms observe interval they would poll the 1,000 placements
/// ten times a second in this process and in PostgreSQL, and that CPU would be counted as the pass's.
/// </summary>
public sealed class SloPassBenchmarkApp : SloApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(base.ExtraSettings)
    {
        ["Slos:QueryTimeout"] = "00:00:10",
        ["Reconciler:Enabled"] = "false",
        ["Metering:Enabled"] = "false",
    };

    protected override bool EvaluationWorker => false;
}

/// <summary>
/// A whole evaluation pass at the scale: 10,000 stored SLOs over 1,000 placements (100 tenants × 10, half
/// availability, half latency) claimed, loaded untracked, read from the run's real Prometheus, assessed in memory, stored
/// set-wise with a history point each and published as metrics. Times and CPU (this process: the service; PostgreSQL's
/// and Prometheus' processes) are written to the test output (README: "SLOs and error budgets").
/// </summary>
[Collection(nameof(SloPassBenchmarkTests))]
public sealed class SloPassBenchmarkTests(SloPassBenchmarkApp app, ITestOutputHelper output) : IClassFixture<SloPassBenchmarkApp>
{
    private const int Tenants = 100;
    private const int PlacementsPerTenant = 10;
    private const int SlosPerPlacement = 10;

    [Fact]
    public async Task A_pass_over_ten_thousand_stored_SLOs_evaluates_and_stores_each_once_with_sixteen_queries()
    {
        var (url, exporter) = await PrometheusServer.SharedAsync();
        await app.RegisterClusterWithPrometheusAsync("pass-bench", "pass-bench-region");
        using var client = await app.TenantWithPlacementsAsync("pass-0", "pass-bench-region", 1, "p0");
        foreach (var (slo, indicator) in new[]
        {
            ("p0-s0", (object)new { kind = "availability", metrics = "otel-http" }),
            ("p0-s5", new { kind = "latency", thresholdSeconds = 0.3, metrics = "otel-http" }),
        })
        {
            await (await client.PutAsJsonAsync($"/v1/tenants/pass-0/slos/{slo}", new { placement = "p0", objective = 99, window = "1d", indicator }))
                .ExpectAsync(HttpStatusCode.Created);
        }

        await CloneWorldAsync();
        for (var t = 0; t < Tenants; t++)
        {
            for (var p = 0; p < PlacementsPerTenant; p++)
            {
                exporter.Serve($"t-pass-{t}", SloWorld.PodOf($"p{p}"), ok: 100, errors: p, slowShare: 0.01 * p);
            }
        }

        // Wait until Prometheus has enough samples of every placement for the shortest window (a pass of the reader only).
        await Eventually.MatchesAsync(async () =>
        {
            using var scope = app.Services.CreateScope();
            var slos = await scope.ServiceProvider.GetRequiredService<IControlPlaneDb>().Slos.AsNoTracking().ToListAsync();
            return await scope.ServiceProvider.GetRequiredService<SliReader>().ReadAsync(new PrometheusConnection("pass", url, null), slos, CancellationToken.None);
        }, r => r.Count == Tenants * PlacementsPerTenant * SlosPerPlacement && r.Values.All(x => x.ErrorRatios.Count == 8),
            "every SLO read over its eight windows", TimeSpan.FromSeconds(120));

        var prometheusPids = ProcessCpu.Matching($"--web.listen-address={url.Host}:{url.Port}").ToList();
        Assert.NotEmpty(prometheusPids);
        foreach (var pass in new[] { "first pass", "second pass" })
        {
            await app.ExecuteSqlAsync("UPDATE slos SET next_evaluation_at = now() - interval '1 second'");
            var postgresPids = await PostgresPidsAsync();
            var before = (Service: Process.GetCurrentProcess().TotalProcessorTime, Postgres: ProcessCpu.Of(postgresPids), Prometheus: ProcessCpu.Of(prometheusPids));
            var clock = Stopwatch.StartNew();
            SloPass result;
            using (var scope = app.Services.CreateScope())
            {
                result = await scope.ServiceProvider.GetRequiredService<SloEvaluator>().EvaluateDueAsync(CancellationToken.None);
            }

            var elapsed = clock.Elapsed;
            var service = Process.GetCurrentProcess().TotalProcessorTime - before.Service;
            var postgres = ProcessCpu.Since(before.Postgres, ProcessCpu.Of(postgresPids.Concat(await PostgresPidsAsync())));
            var prometheus = ProcessCpu.Since(before.Prometheus, ProcessCpu.Of(prometheusPids));
            output.WriteLine($"{pass}: {result.Evaluated} SLOs, {result.Queries} queries, {elapsed.TotalSeconds:0.00} s; CPU: service {service.TotalSeconds:0.00} s, " +
                $"PostgreSQL {postgres.TotalSeconds:0.00} s, Prometheus {prometheus.TotalSeconds:0.00} s");
            Assert.Equal(Tenants * PlacementsPerTenant * SlosPerPlacement, result.Evaluated);
            Assert.Equal(16, result.Queries);
            if (pass == "second pass")
            {
                // CPU hardly depends on the machine's load, so CI can hold it: at most 10 s of CPU in all, so that two cores
                // could run the pass in 10 s even with nothing of it in parallel (measured: ~4 s in Debug; 7.9 s with tracked writes).
                var cpu = service + postgres + prometheus;
                Assert.True(cpu <= TimeSpan.FromSeconds(10), $"the steady pass took {cpu.TotalSeconds:0.00} s of CPU");
            }

            // Wall time depends on what else runs: bench/slo.sh sets the 10 s on a machine it reports as idle.
            if (Environment.GetEnvironmentVariable("SLO_PASS_MAX_SECONDS") is { } bound)
            {
                Assert.True(elapsed.TotalSeconds <= double.Parse(bound, CultureInfo.InvariantCulture), $"{pass}: {elapsed.TotalSeconds:0.00} s");
            }
        }

        // Each SLO was assessed from its own placement's numbers and got one history point per pass.
        Assert.Equal(2L * Tenants * PlacementsPerTenant * SlosPerPlacement, await app.ScalarSqlAsync<long>("SELECT count(*) FROM slo_evaluations"));
        Assert.Equal(0L, await app.ScalarSqlAsync<long>("SELECT count(*) FROM slos WHERE state = 'NoData' OR evaluated_at IS NULL"));
        Assert.Equal(1 - (3.0 / 103), await app.ScalarSqlAsync<double>("SELECT sli FROM slos WHERE tenant = 'pass-42' AND placement = 'p3' AND name = 'p3-s1'"), 3);
    }

    /// <summary>
    /// Copies pass-0 into 99 more tenants, its placement p0 into p0–p9 of each, and its SLOs p0-s0 (availability) and p0-s5
    /// (latency) into &lt;placement&gt;-s0 … -s9 of every placement: the rows the API would have written, without 10,000 requests.
    /// </summary>
    private Task<int> CloneWorldAsync() => app.ExecuteSqlAsync(
        $"""
        INSERT INTO tenants
        SELECT (jsonb_populate_record(NULL::tenants, to_jsonb(t) || jsonb_build_object('id', gen_random_uuid(), 'name', 'pass-' || i))).*
        FROM tenants t, generate_series(1, {Tenants - 1}) i WHERE t.name = 'pass-0';

        INSERT INTO placements
        SELECT (jsonb_populate_record(NULL::placements, to_jsonb(p) || jsonb_build_object(
            'id', gen_random_uuid(), 'tenant_id', t.id, 'tenant', t.name, 'name', 'p' || i))).*
        FROM placements p, tenants t, generate_series(0, {PlacementsPerTenant - 1}) i
        WHERE p.tenant = 'pass-0' AND p.name = 'p0' AND t.name LIKE 'pass-%' AND NOT (t.name = 'pass-0' AND i = 0);

        INSERT INTO slos
        SELECT (jsonb_populate_record(NULL::slos, to_jsonb(s) || jsonb_build_object(
            'id', gen_random_uuid(), 'tenant_id', p.tenant_id, 'tenant', p.tenant, 'placement', p.name,
            'name', p.name || '-s' || (substr(s.name, 5)::int + i)))).*
        FROM slos s, placements p, generate_series(0, {SlosPerPlacement / 2 - 1}) i
        WHERE s.tenant = 'pass-0' AND s.name IN ('p0-s0', 'p0-s5') AND p.tenant LIKE 'pass-%'
          AND NOT (p.tenant = 'pass-0' AND p.name = 'p0' AND i = 0);
        """);

    /// <summary>PostgreSQL's processes: every backend and background worker of the server.</summary>
    private Task<List<int>> PostgresPidsAsync() => app.ColumnSqlAsync<int>("SELECT pid FROM pg_stat_activity");
}

/// <summary>
/// Alone (after the parallel classes): the pass's CPU is read from this process and from the run's PostgreSQL, which
/// other test classes running at the same time would use too.
/// </summary>
[CollectionDefinition(nameof(SloPassBenchmarkTests), DisableParallelization = true)]
public sealed class SloPassBenchmarkCollection;
