using System.Text.Json;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>
/// The issue's "done when", against a real Prometheus scraping the test's exporter: the PrometheusRule lands in the
/// tenant namespace, a fast burn drives the SLO to burning/exhausted, the placement scales to max, traffic shifts to the
/// CPU fallback, rollouts freeze — and everything reverts when the exporter recovers. Through the API, the audit trail,
/// the cluster objects and /metrics.
/// </summary>
public sealed class SloLifecycleTests(SloApp app) : IClassFixture<SloApp>
{
    private const string Tenant = "slo-acme";

    [Fact]
    public async Task A_fast_burn_scales_to_max_shifts_to_the_fallback_freezes_rollouts_and_everything_reverts_on_recovery()
    {
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithPrometheusAsync("slo-c1", "slo-region-1");
        using var client = await app.TenantWithPlacementsAsync(Tenant, "slo-region-1", 3, "chat", "chat-cpu");
        exporter.Serve("t-" + Tenant, SloWorld.PodOf("chat"), ok: 1000);

        var put = await client.PutAsJsonAsync($"/v1/tenants/{Tenant}/slos/chat-availability", new
        {
            placement = "chat", objective = 99.0, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" },
            remediation = new object[]
            {
                new { on = "fast-burn", action = "scale-to-max" },
                new { on = "fast-burn", action = "fallback", placement = "chat-cpu", weight = 50 },
                new { on = "budget-exhausted", action = "freeze-rollouts" },
            },
        });
        var created = await put.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("no-data", created.SloState());
        Assert.NotNull(put.Headers.ETag);

        // The PrometheusRule lands in the tenant namespace, with the same groups GET …/prometheus-rules returns.
        var rule = await Eventually.FoundAsync(() => Task.FromResult(emulator.Get("monitoring.coreos.com/v1", "prometheusrules", "t-" + Tenant, "slo-chat-availability")),
            "the PrometheusRule in the tenant namespace");
        var groups = rule["spec"]!["groups"]!.AsArray();
        Assert.Equal([$"slo-{Tenant}-chat-availability-recordings", $"slo-{Tenant}-chat-availability-alerts"], groups.Select(g => (string)g!["name"]!));
        var rulesFile = await (await client.GetAsync($"/v1/tenants/{Tenant}/slos/chat-availability/prometheus-rules")).Content.ReadAsStringAsync();
        foreach (var expr in groups.SelectMany(g => g!["rules"]!.AsArray()).Select(r => (string)r!["expr"]!))
        {
            Assert.Contains(JsonSerializer.Serialize(expr, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), rulesFile, StringComparison.Ordinal);
        }

        var healthy = await client.WaitForSloAsync(Tenant, "chat-availability", s => s.SloState() == "healthy", "the SLO healthy on good traffic");
        Assert.Equal(1.0, healthy.SloStatus().GetProperty("sli").GetDouble(), 6);
        Assert.Empty(healthy.SloStatus().GetProperty("alerts").Strings());

        // Fast burn: half the requests fail.
        exporter.Serve("t-" + Tenant, SloWorld.PodOf("chat"), ok: 500, errors: 500);
        // Every window burning: a counter series born with the first error has a rate only once two scrapes of it fall
        // inside a window, so the 10 s window may read zero errors for a scrape or two after the switch (as Prometheus would).
        var burning = await client.WaitForSloAsync(Tenant, "chat-availability", s => s.SloState() == "exhausted" && s.ActiveActions().Count == 3
                && s.SloStatus().GetProperty("burnRates").EnumerateObject().Count() == 7
                && s.SloStatus().GetProperty("burnRates").EnumerateObject().All(r => r.Value.GetDouble() > 1),
            "the SLO exhausted with its three remediations in force and every window burning");
        Assert.Contains(burning.SloStatus().GetProperty("alerts").Strings(), a => a.StartsWith("page-", StringComparison.Ordinal));
        Assert.True(burning.SloStatus().GetProperty("rolloutsFrozen").GetBoolean());
        // The 1-day window's seven burn-rate windows (5m … 3d scaled by 1d/30d), each burning faster than the budget allows.
        var burnRates = burning.SloStatus().GetProperty("burnRates").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(new[] { "10s", "1m", "2m", "4m", "12m", "48m", "2h24m" }.Order(StringComparer.Ordinal), burnRates.Keys.Order(StringComparer.Ordinal));
        Assert.All(burnRates.Values, rate => Assert.True(rate > 1, burning.GetRawText()));
        Assert.True(burning.SloStatus().GetProperty("errorBudget").GetProperty("remaining").GetDouble() < 0);

        // scale-to-max went through the rescale path: spec, reservation and the Deployment follow.
        var placement = await client.WaitForPlacementAsync(Tenant, "chat", p => p.GetProperty("spec").GetProperty("replicas").GetProperty("min").GetInt32() == 3);
        await Eventually.TrueAsync(() => (int?)emulator.Get("apps/v1", "deployments", "t-" + Tenant, "chat")?["spec"]?["replicas"] == 3, "the Deployment at 3 replicas");
        Assert.Equal(3, placement.GetProperty("spec").GetProperty("replicas").GetProperty("max").GetInt32());

        // fallback: the placement's HTTPRoute sends 50% to chat-cpu.
        var route = await Eventually.FoundAsync(() => Task.FromResult(emulator.Get("gateway.networking.k8s.io/v1", "httproutes", "t-" + Tenant, "chat")),
            "the HTTPRoute of the fallback");
        var backends = route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray().Select(b => ((string)b!["name"]!, (int)b["weight"]!)).ToList();
        Assert.Equal([("chat", 50), ("chat-cpu", 50)], backends);

        // Audited, and exported at /metrics.
        using var op = await app.OperatorClientAsync();
        var audit = (await (await op.GetAsync($"/v1/audit-events?tenant={Tenant}&pageSize=200")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("slo.state-change", audit);
        Assert.Equal(3, audit.Count(a => a == "slo.remediation.take"));
        var metrics = await (await app.CreateClient().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains($"controlplane_slo_error_budget_remaining{{", metrics, StringComparison.Ordinal);
        Assert.Contains($"slo=\"chat-availability\"", metrics, StringComparison.Ordinal);
        Assert.Contains("controlplane_slo_burn_rate{", metrics, StringComparison.Ordinal);

        // Recovery: a flood of good requests dilutes the day's errors below 1% and the burn stops.
        exporter.Serve("t-" + Tenant, SloWorld.PodOf("chat"), ok: 10_000_000);
        var recovered = await client.WaitForSloAsync(Tenant, "chat-availability", s => s.SloState() == "healthy" && s.ActiveActions().Count == 0,
            "the SLO healthy again with every remediation reverted");
        Assert.False(recovered.SloStatus().GetProperty("rolloutsFrozen").GetBoolean());
        await client.WaitForPlacementAsync(Tenant, "chat", p => p.GetProperty("spec").GetProperty("replicas").GetProperty("min").GetInt32() == 1);
        await Eventually.TrueAsync(() => emulator.Get("gateway.networking.k8s.io/v1", "httproutes", "t-" + Tenant, "chat") is null, "the HTTPRoute removed");
        audit = (await (await op.GetAsync($"/v1/audit-events?tenant={Tenant}&pageSize=200")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(3, audit.Count(a => a == "slo.remediation.revert"));

        var history = await (await client.GetAsync($"/v1/tenants/{Tenant}/slos/chat-availability/history?step=1m")).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(history.GetProperty("points").EnumerateArray());

        // Deleting the SLO removes its rule from the cluster.
        await (await client.DeleteAsync($"/v1/tenants/{Tenant}/slos/chat-availability")).ExpectAsync(HttpStatusCode.NoContent);
        await Eventually.TrueAsync(() => emulator.Get("monitoring.coreos.com/v1", "prometheusrules", "t-" + Tenant, "slo-chat-availability") is null,
            "the PrometheusRule removed");
        await (await client.GetAsync($"/v1/tenants/{Tenant}/slos/chat-availability")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
