namespace ControlPlane.IntegrationTests.Slos;

/// <summary>The service with a one-hour remediation cooldown.</summary>
public sealed class SloCooldownApp : SloApp
{
    protected override string RemediationCooldown => "01:00:00";
}

/// <summary>Flapping burns against a real Prometheus: remediation respects its cooldown and stays within the placement's reservation.</summary>
public sealed class SloCooldownTests(SloCooldownApp app) : IClassFixture<SloCooldownApp>
{
    [Fact]
    public async Task A_flapping_burn_changes_nothing_back_within_the_cooldown_and_scaling_stays_within_the_reservation()
    {
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithPrometheusAsync("flap-slo", "flap-slo-region");
        using var client = await app.TenantWithPlacementsAsync("slo-flap", "flap-slo-region", 4, "chat");
        // Admission reserved chat's maximum (4 H100s): scaling to it takes nothing more from the quota or the pool.
        var usedBefore = await H100sUsedAsync(client);
        Assert.Equal(4, usedBefore);
        var pod = SloWorld.PodOf("chat");
        exporter.Serve("t-slo-flap", pod, ok: 0, errors: 100);
        await PutScaleToMaxSloAsync(client, "chat");
        await client.WaitForSloAsync("slo-flap", "chat", s => s.ActiveActions().Contains("scale-to-max"), "chat scaled to max");
        await client.WaitForPlacementAsync("slo-flap", "chat", p => p.GetProperty("spec").GetProperty("replicas").GetProperty("min").GetInt32() == 4);
        await Eventually.TrueAsync(() => (int?)emulator.Get("apps/v1", "deployments", "t-slo-flap", "chat")?["spec"]?["replicas"] == 4, "the Deployment at 4 replicas");
        Assert.Equal(usedBefore, await H100sUsedAsync(client));
        using var op = await app.OperatorClientAsync();

        // The burn stops: the SLO recovers, but within the cooldown the scale-up stays (it is reverted once, later).
        exporter.Serve("t-slo-flap", pod, ok: 10_000_000);
        var recovered = await client.WaitForSloAsync("slo-flap", "chat", s => s.SloState() == "healthy", "chat healthy again");
        var evaluatedAt = recovered.SloStatus().GetProperty("evaluatedAt").GetDateTimeOffset();
        recovered = await client.WaitForSloAsync("slo-flap", "chat", s => s.SloStatus().GetProperty("evaluatedAt").GetDateTimeOffset() > evaluatedAt.AddSeconds(2),
            "two more evaluations while healthy");
        Assert.Equal(["scale-to-max"], recovered.ActiveActions());
        var placement = await (await client.GetAsync("/v1/tenants/slo-flap/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, placement.GetProperty("spec").GetProperty("replicas").GetProperty("min").GetInt32());
        var audit = (await (await op.GetAsync("/v1/audit-events?tenant=slo-flap&pageSize=200")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Where(e => e.GetProperty("target").GetString() == "tenants/slo-flap/slos/chat").Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(1, audit.Count(a => a == "slo.remediation.take"));
        Assert.DoesNotContain("slo.remediation.revert", audit);
    }

    private static async Task<long> H100sUsedAsync(HttpClient client) =>
        (await (await client.GetAsync("/v1/tenants/slo-flap/quotas")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(q => q.GetProperty("resource").GetString() == "gpu.h100").GetProperty("used").GetInt64();

    private static async Task PutScaleToMaxSloAsync(HttpClient client, string placement) =>
        await (await client.PutAsJsonAsync($"/v1/tenants/slo-flap/slos/{placement}", new
        {
            placement, objective = 99, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" },
            remediation = new[] { new { on = "fast-burn", action = "scale-to-max" } },
        })).ExpectAsync(HttpStatusCode.Created);
}
