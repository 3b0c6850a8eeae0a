using System.Text.Json;

namespace ControlPlane.IntegrationTests.Rollouts;

/// <summary>
/// Progressive rollouts against a real Prometheus scraping the test's exporter, one series per variant (the stable pods
/// &lt;placement&gt;-…, the canary's &lt;placement&gt;-canary-…): promoted through every step, rolled back at the step whose
/// gate fails, a shadow that never takes user traffic, no promotion without data — through the API, the cluster's
/// Deployments and HTTPRoute, quota and the audit trail.
/// </summary>
public sealed class RolloutTests(RolloutApp app) : IClassFixture<RolloutApp>
{
    [Fact]
    public async Task A_healthy_canary_is_promoted_through_every_step_and_the_stable_Deployment_then_runs_the_new_version()
    {
        const string tenant = "ro-promote";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c1", "ro-region-1");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-1", 1, "chat");
        await app.SetQuotaAsync(tenant, "storage.bytes", 1_000_000);
        await client.PostAsJsonAsync($"/v1/tenants/{tenant}/models", new { name = "llm" });
        await client.PublishAsync(tenant, "llm", [1, 2, 3]);
        var v2 = await client.PublishAsync(tenant, "llm", [4, 5, 6]);
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200);
        Assert.Equal(1, await client.QuotaUsedAsync(tenant, "gpu.h100"));

        var started = await client.StartRolloutAsync(tenant, "chat", new
        {
            model = new { name = "llm", alias = (string?)null, version = 2 }, image = "registry.example/llm:2",
            strategy = new { type = "canary", steps = new[] { new { weight = 20, pause = "2s" }, new { weight = 50, pause = "2s" } } },
            analysis = new
            {
                interval = "1s", failureLimit = 0,
                gates = new object[] { new { metric = "error-rate", max = 0.05 }, new { metric = "latency-p95", maxSeconds = 0.5 } },
            },
        });
        Assert.Equal(1, started.GetProperty("id").GetInt32());
        Assert.Equal("progressing", started.RolloutPhase());
        Assert.Equal(20, started.GetProperty("status").GetProperty("weight").GetInt32());
        Assert.Equal(v2.GetProperty("digest").GetString(), started.GetProperty("target").GetProperty("modelDigest").GetString());
        // The canary's replica is admitted like a rescale; the placement shows its rollout.
        Assert.Equal(2, await client.QuotaUsedAsync(tenant, "gpu.h100"));
        var placement = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, placement.GetProperty("activeRollout").GetProperty("id").GetInt32());
        // The phase gauge shows what the database holds: 1 for progressing, 0 for every other phase.
        var gauge = await Eventually.MatchesAsync(() => Task.FromResult(app.RolloutPhaseGauge(tenant, "chat", 1)), g => g.GetValueOrDefault("progressing") == 1,
            "controlplane_rollout_phase progressing");
        Assert.Equal(["aborted", "paused", "progressing", "promoted", "rolled-back"], gauge.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, gauge.Values.Sum());

        // In the cluster: the canary Deployment with the new image, the route split 80/20 and attached to the Gateway.
        await Eventually.TrueAsync(() => RolloutWorld.ImageOf(emulator.Deployment(tenant, "chat-canary")) == "registry.example/llm:2", "the canary Deployment");
        var route = await Eventually.FoundAsync(() => Task.FromResult(emulator.Get("gateway.networking.k8s.io/v1", "httproutes", "t-" + tenant, "chat")), "the route");
        Assert.Equal(RolloutWorld.Gateway, (string?)route["spec"]!["parentRefs"]![0]!["name"]);
        Assert.Equal(RolloutWorld.Gateways, (string?)route["spec"]!["parentRefs"]![0]!["namespace"]);

        var promoted = await client.WaitForRolloutAsync(tenant, "chat", 1, r => r.RolloutPhase() != "progressing", "the rollout to end");
        Assert.Equal("promoted", promoted.RolloutPhase());
        Assert.Equal(1, promoted.RolloutStep());
        var last = promoted.Runs()[^1];
        Assert.Equal("pass", last.GetProperty("verdict").GetString());
        Assert.All(last.GetProperty("gates").EnumerateArray(), g =>
        {
            Assert.Equal("pass", g.GetProperty("verdict").GetString());
            Assert.True(g.GetProperty("canary").GetDouble() <= g.GetProperty("limit").GetDouble(), g.GetRawText());
            Assert.Equal(JsonValueKind.Number, g.GetProperty("stable").ValueKind);
        });
        Assert.Contains(promoted.Runs(), r => r.GetProperty("step").GetInt32() == 0 && r.GetProperty("verdict").GetString() == "pass");

        // The stable placement runs the new version; the canary is gone; the route is 100% stable; the canary's unit is back.
        var after = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, after.GetProperty("spec").GetProperty("model").GetProperty("version").GetInt32());
        Assert.Equal("registry.example/llm:2", after.GetProperty("spec").GetProperty("image").GetString());
        Assert.False(after.TryGetProperty("activeRollout", out var active) && active.ValueKind != JsonValueKind.Null);
        await Eventually.TrueAsync(() => RolloutWorld.ImageOf(emulator.Deployment(tenant, "chat")) == "registry.example/llm:2", "the stable Deployment on the new image");
        await Eventually.TrueAsync(() => emulator.Deployment(tenant, "chat-canary") is null && emulator.Get("v1", "services", "t-" + tenant, "chat-canary") is null,
            "the canary removed");
        await Eventually.TrueAsync(() => emulator.RouteBackends(tenant, "chat") is [("chat", 100)], "the route back to 100% stable");
        Assert.Equal(1, await client.QuotaUsedAsync(tenant, "gpu.h100"));

        var audit = (await app.AuditAsync(tenant)).Where(e => e.GetProperty("action").GetString()!.StartsWith("rollout.", StringComparison.Ordinal))
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Single(audit, a => a == "rollout.start");
        Assert.Single(audit, a => a == "rollout.step");
        Assert.Single(audit, a => a == "rollout.promote");
        await Eventually.MatchesAsync(() => Task.FromResult(app.RolloutPhaseGauge(tenant, "chat", 1)), g => g.GetValueOrDefault("promoted") == 1 && g.Values.Sum() == 1,
            "controlplane_rollout_phase promoted, and only promoted");
    }

    [Fact]
    public async Task A_canary_with_a_higher_error_rate_is_rolled_back_at_the_step_where_the_gate_fails()
    {
        const string tenant = "ro-rollback";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c2", "ro-region-2");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-2", 1, "chat");
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200);
        await client.StartRolloutAsync(tenant, "chat", new
        {
            image = "registry.example/llm:bad",
            strategy = new { type = "canary", steps = new[] { new { weight = 10, pause = "2s" }, new { weight = 50, pause = "1h" } } },
            analysis = new { interval = "1s", failureLimit = 1, gates = new object[] { new { metric = "error-rate", max = 0.05 } } },
        });

        // Healthy through step 0; at step 1 the canary starts failing a third of its requests.
        await client.WaitForRolloutAsync(tenant, "chat", 1, r => r.RolloutStep() == 1, "step 1");
        await Eventually.TrueAsync(() => emulator.RouteBackends(tenant, "chat") is [("chat", 50), ("chat-canary", 50)], "the route at 50/50");
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200, errors: 100);

        var rolledBack = await client.WaitForRolloutAsync(tenant, "chat", 1, r => r.RolloutPhase() != "progressing", "the rollout to end");
        Assert.Equal("rolled-back", rolledBack.RolloutPhase());
        Assert.Equal(1, rolledBack.RolloutStep());
        Assert.Contains("error-rate", rolledBack.GetProperty("status").GetProperty("reason").GetString(), StringComparison.Ordinal);
        // failureLimit 1: one failed run is tolerated, the second rolls back.
        Assert.Equal(2, rolledBack.GetProperty("status").GetProperty("failedRuns").GetInt32());
        Assert.Equal(2, rolledBack.Runs().Count(r => r.GetProperty("verdict").GetString() == "fail"));
        var failed = rolledBack.Runs()[^1];
        Assert.Equal("fail", failed.GetProperty("verdict").GetString());
        var gate = failed.GetProperty("gates").EnumerateArray().Single(g => g.GetProperty("gate").GetString() == "error-rate");
        Assert.Equal("fail", gate.GetProperty("verdict").GetString());
        Assert.True(gate.GetProperty("canary").GetDouble() > 0.05, gate.GetRawText());
        Assert.Equal(0, gate.GetProperty("stable").GetDouble(), 6);
        Assert.Equal(0.05, gate.GetProperty("limit").GetDouble(), 6);

        await Eventually.TrueAsync(() => emulator.Deployment(tenant, "chat-canary") is null, "the canary removed");
        await Eventually.TrueAsync(() => emulator.RouteBackends(tenant, "chat") is [("chat", 100)], "the route back to 100% stable");
        Assert.Equal("registry.example/llm:1", RolloutWorld.ImageOf(emulator.Deployment(tenant, "chat")));
        var placement = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("registry.example/llm:1", placement.GetProperty("spec").GetProperty("image").GetString());
        Assert.Equal(1, await client.QuotaUsedAsync(tenant, "gpu.h100"));
        Assert.Contains(await app.AuditAsync(tenant), e => e.GetProperty("action").GetString() == "rollout.roll-back");
        await Eventually.MatchesAsync(() => Task.FromResult(app.RolloutPhaseGauge(tenant, "chat", 1)), g => g.GetValueOrDefault("rolled-back") == 1 && g.Values.Sum() == 1,
            "controlplane_rollout_phase rolled-back, and only rolled-back");
    }

    [Fact]
    public async Task A_shadow_mirrors_requests_to_the_canary_and_never_changes_the_user_facing_weights()
    {
        const string tenant = "ro-shadow";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c3", "ro-region-3");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-3", 1, "chat");
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200);
        var started = await client.StartRolloutAsync(tenant, "chat", new
        {
            image = "registry.example/llm:shadow",
            strategy = new { type = "shadow", mirrorPercent = 25, duration = "1h" },
            analysis = new { interval = "1s", gates = new object[] { new { metric = "error-rate", max = 0.05 } } },
        });
        Assert.Equal(0, started.GetProperty("status").GetProperty("weight").GetInt32());
        Assert.Equal(25, started.GetProperty("status").GetProperty("mirrorPercent").GetInt32());

        var route = await Eventually.FoundAsync(() => Task.FromResult(emulator.Get("gateway.networking.k8s.io/v1", "httproutes", "t-" + tenant, "chat")),
            "the route");
        var mirror = route["spec"]!["rules"]![0]!["filters"]![0]!;
        Assert.Equal("RequestMirror", (string?)mirror["type"]);
        Assert.Equal("chat-canary", (string?)mirror["requestMirror"]!["backendRef"]!["name"]);
        Assert.Equal(25, (int?)mirror["requestMirror"]!["percent"]);
        Assert.Equal([("chat", 100)], emulator.RouteBackends(tenant, "chat"));

        // Analysed all along, still no user traffic on the canary.
        var analysed = await client.WaitForRolloutAsync(tenant, "chat", 1, r => r.Runs().Count(x => x.GetProperty("verdict").GetString() == "pass") >= 3, "three passing runs");
        Assert.Equal("progressing", analysed.RolloutPhase());
        Assert.Equal([("chat", 100)], emulator.RouteBackends(tenant, "chat"));

        var aborted = await (await client.PostAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1:abort", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("aborted", aborted.RolloutPhase());
        await Eventually.TrueAsync(() => emulator.Get("gateway.networking.k8s.io/v1", "httproutes", "t-" + tenant, "chat")?["spec"]?["rules"]?[0]?["filters"] is null,
            "the mirror removed");
        await (await client.PostAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1:resume", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "rollout-finished");
    }

    [Fact]
    public async Task Prometheus_unreachable_makes_every_run_inconclusive_and_never_promotes()
    {
        const string tenant = "ro-blind";
        await app.RegisterClusterWithGatewayAsync("ro-c4", "ro-region-4", $"http://127.0.0.1:{LoopbackPort.Free()}");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-4", 1, "chat");
        await client.StartRolloutAsync(tenant, "chat", RolloutWorld.Canary("registry.example/llm:2", "1s", 0, 50));

        var blind = await client.WaitForRolloutAsync(tenant, "chat", 1, r => r.Runs().Count >= 4, "four runs");
        Assert.Equal("progressing", blind.RolloutPhase());
        Assert.Equal(0, blind.RolloutStep());
        Assert.Equal(0, blind.GetProperty("status").GetProperty("failedRuns").GetInt32());
        Assert.All(blind.Runs(), run =>
        {
            Assert.Equal("inconclusive", run.GetProperty("verdict").GetString());
            Assert.All(run.GetProperty("gates").EnumerateArray(), g =>
                Assert.Contains("could not be read", g.GetProperty("reason").GetString(), StringComparison.Ordinal));
        });

        // Paused, it holds its step and weight; resumed, it progresses again (and still would not promote blind).
        var paused = await (await client.PostAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1:pause", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paused", paused.RolloutPhase());
        Assert.Equal(50, paused.GetProperty("status").GetProperty("weight").GetInt32());
        var placement = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paused", placement.GetProperty("activeRollout").GetProperty("phase").GetString());
        var resumed = await (await client.PostAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1:resume", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("progressing", resumed.RolloutPhase());
        var actions = (await app.AuditAsync(tenant)).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("rollout.pause", actions);
        Assert.Contains("rollout.resume", actions);
    }

    [Fact]
    public async Task Deleting_the_placement_aborts_its_rollout_and_releases_the_canary_capacity_and_quota()
    {
        const string tenant = "ro-delete";
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c5", "ro-region-5");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-5", 1, "chat");
        await client.StartRolloutAsync(tenant, "chat", RolloutWorld.Canary("registry.example/llm:2", "1h", 0, 50));
        Assert.Equal(2, await client.QuotaUsedAsync(tenant, "gpu.h100"));
        await Eventually.TrueAsync(() => emulator.Deployment(tenant, "chat-canary") is not null, "the canary Deployment");

        await (await client.DeleteAsync($"/v1/tenants/{tenant}/placements/chat")).ExpectAsync(HttpStatusCode.Accepted);
        var aborted = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("aborted", aborted.RolloutPhase());
        Assert.Equal("the placement was deleted", aborted.GetProperty("status").GetProperty("reason").GetString());
        Assert.True(await client.QuotaUsedAsync(tenant, "gpu.h100") <= 1);
        await Eventually.TrueAsync(() => emulator.Deployment(tenant, "chat-canary") is null && emulator.Deployment(tenant, "chat") is null, "both Deployments removed");
        await Eventually.MatchesAsync(() => client.QuotaUsedAsync(tenant, "gpu.h100"), used => used == 0, "every unit released");
    }

    [Fact]
    public async Task A_rollout_is_refused_while_another_is_active_while_quota_cannot_take_the_canary_and_while_the_SLO_budget_is_exhausted()
    {
        const string tenant = "ro-refused";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c6", "ro-region-6");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-6", 1, "chat", "batch");
        await client.StartRolloutAsync(tenant, "chat", RolloutWorld.Canary("registry.example/llm:2", "1h", 0, 50));
        var busy = await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements/chat/rollouts", RolloutWorld.Canary("registry.example/llm:3", "1h", 0, 50)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "rollout-in-progress");
        Assert.Contains("chat", busy.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Quota: chat, its canary and batch use 3 H100; with a limit of 3 there is none left for batch's canary.
        await app.SetQuotaAsync(tenant, "gpu.h100", 3);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements/batch/rollouts", RolloutWorld.Canary("registry.example/llm:2", "1h", 0, 50)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");
        await (await client.GetAsync($"/v1/tenants/{tenant}/placements/batch/rollouts")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, await client.QuotaUsedAsync(tenant, "gpu.h100"));
        await app.SetQuotaAsync(tenant, "gpu.h100", 8);

        // An SLO with freeze-rollouts whose budget is exhausted refuses new rollouts, naming it.
        await (await client.PutAsJsonAsync($"/v1/tenants/{tenant}/slos/batch-availability", new
        {
            placement = "batch", objective = 99.0, window = "1d", indicator = new { kind = "availability", metrics = "otel-http" },
            remediation = new object[] { new { on = "budget-exhausted", action = "freeze-rollouts" } },
        })).ExpectAsync(HttpStatusCode.Created);
        exporter.Serve("t-" + tenant, SloWorld.PodOf("batch"), ok: 100, errors: 100);
        await client.WaitForSloAsync(tenant, "batch-availability", s => s.SloStatus().GetProperty("rolloutsFrozen").GetBoolean(), "rollouts frozen");
        var frozen = await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements/batch/rollouts", RolloutWorld.Canary("registry.example/llm:2", "1h", 0, 50)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "rollouts-frozen");
        Assert.Equal("batch-availability", frozen.GetProperty("slo").GetString());
        var list = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/batch/rollouts")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_rollout_is_not_found()
    {
        await app.RegisterClusterWithGatewayAsync("ro-c7", "ro-region-7");
        using var owner = await app.TenantWithPlacementsAsync("ro-owner", "ro-region-7", 1, "chat");
        await owner.StartRolloutAsync("ro-owner", "chat", RolloutWorld.Canary("registry.example/llm:2", "1h", 0, 50));
        using var other = await app.TenantWithPlacementsAsync("ro-other", "ro-region-7", 1, "chat");

        await (await other.GetAsync("/v1/tenants/ro-owner/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync("/v1/tenants/ro-owner/placements/chat/rollouts/1:abort", null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync("/v1/tenants/ro-other/placements/chat/rollouts/1")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        var mine = await (await owner.GetAsync("/v1/tenants/ro-owner/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("progressing", mine.RolloutPhase());
    }
}
