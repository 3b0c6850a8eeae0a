using System.Net.Sockets;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>Reliability of SLO evaluation against a real Prometheus: tenant confinement, outages, several replicas.</summary>
public sealed class SloIsolationAndOutageTests(SloApp app) : IClassFixture<SloApp>
{
    [Fact]
    public async Task One_tenants_SLO_never_reads_another_tenants_series_nor_a_sibling_placements()
    {
        var (_, exporter) = await PrometheusServer.SharedAsync();
        await app.RegisterClusterWithPrometheusAsync("iso-slo", "iso-slo-region");
        using var good = await app.TenantWithPlacementsAsync("slo-good", "iso-slo-region", 1, "chat", "chat-cpu");
        using var bad = await app.TenantWithPlacementsAsync("slo-bad", "iso-slo-region", 1, "chat");
        // Same placement name, same pod name, another tenant: all failures. And chat-cpu (a prefix sibling) failing too.
        exporter.Serve("t-slo-good", SloWorld.PodOf("chat"), ok: 100);
        exporter.Serve("t-slo-good", SloWorld.PodOf("chat-cpu"), ok: 0, errors: 100);
        exporter.Serve("t-slo-bad", SloWorld.PodOf("chat"), ok: 0, errors: 100);
        var spec = new { placement = "chat", objective = 99.9, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" } };
        await (await good.PutAsJsonAsync("/v1/tenants/slo-good/slos/chat", spec)).ExpectAsync(HttpStatusCode.Created);
        await (await bad.PutAsJsonAsync("/v1/tenants/slo-bad/slos/chat", spec)).ExpectAsync(HttpStatusCode.Created);

        var mine = await good.WaitForSloAsync("slo-good", "chat", s => s.SloState() == "healthy", "the good tenant's SLO healthy");
        Assert.Equal(1.0, mine.SloStatus().GetProperty("sli").GetDouble(), 9);
        var theirs = await bad.WaitForSloAsync("slo-bad", "chat", s => s.SloState() == "exhausted", "the failing tenant's SLO exhausted");
        Assert.Equal(0.0, theirs.SloStatus().GetProperty("sli").GetDouble(), 9);

        // Tenants send no PromQL: an indicator naming a query or an unknown preset is refused.
        var raw = await good.PutAsJsonAsync("/v1/tenants/slo-good/slos/raw", new
        {
            placement = "chat", objective = 99, window = "1d", indicator = new { kind = "availability", metrics = "sum(rate(x[5m]))" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        // Another tenant's placement cannot be named.
        var foreign = await good.PutAsJsonAsync("/v1/tenants/slo-good/slos/foreign", spec with { placement = "chat-gpu" });
        await foreign.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Prometheus_down_or_slow_shows_no_data_with_the_reason_and_remediates_nothing()
    {
        // Down: a port nothing listens on. Slow: a listener that accepts and never answers (the query timeout is 2 s).
        var closedPort = LoopbackPort.Free();
        using var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        await app.RegisterClusterWithPrometheusAsync("down-slo", "down-slo-region", $"http://127.0.0.1:{closedPort}");
        await app.RegisterClusterWithPrometheusAsync("slow-slo", "slow-slo-region", $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}");
        using var down = await app.TenantWithPlacementsAsync("slo-down", "down-slo-region", 3, "chat");
        using var slow = await app.TenantWithPlacementsAsync("slo-slow", "slow-slo-region", 3, "chat");
        var spec = new
        {
            placement = "chat", objective = 99, window = "1d", indicator = new { kind = "latency", thresholdSeconds = 0.3, metrics = "otel-http" },
            remediation = new[] { new { on = "budget-exhausted", action = "scale-to-max" } },
        };
        await (await down.PutAsJsonAsync("/v1/tenants/slo-down/slos/chat", spec)).ExpectAsync(HttpStatusCode.Created);
        await (await slow.PutAsJsonAsync("/v1/tenants/slo-slow/slos/chat", spec)).ExpectAsync(HttpStatusCode.Created);

        var unreachable = await down.WaitForSloAsync("slo-down", "chat", s => s.SloStatus().GetProperty("evaluatedAt").ValueKind != System.Text.Json.JsonValueKind.Null,
            "an evaluation against the unreachable Prometheus");
        Assert.Equal("no-data", unreachable.SloState());
        Assert.Contains("Prometheus of cluster 'down-slo' could not be read", unreachable.SloStatus().GetProperty("reason").GetString(), StringComparison.Ordinal);
        var timedOut = await slow.WaitForSloAsync("slo-slow", "chat", s => s.SloStatus().GetProperty("evaluatedAt").ValueKind != System.Text.Json.JsonValueKind.Null,
            "an evaluation against the silent Prometheus");
        Assert.Equal("no-data", timedOut.SloState());
        Assert.Contains("no answer within 2 s", timedOut.SloStatus().GetProperty("reason").GetString(), StringComparison.Ordinal);

        Assert.Empty(unreachable.ActiveActions());
        Assert.Empty(timedOut.ActiveActions());
        var placement = await (await down.GetAsync("/v1/tenants/slo-down/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, placement.GetProperty("spec").GetProperty("replicas").GetProperty("min").GetInt32());
    }
}
