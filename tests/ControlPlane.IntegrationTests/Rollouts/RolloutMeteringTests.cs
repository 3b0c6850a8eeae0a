namespace ControlPlane.IntegrationTests.Rollouts;

/// <summary>
/// The system metering bills a rollout's canary from what the cluster reports of its Deployment (ready replicas × GPUs
/// per replica), marked variant=canary, and the cost gate judges the canary from that metering: the test sends only
/// inferences per variant, never GPU-seconds. The metering and rollout workers run at instants the test chooses.
/// </summary>
public sealed class RolloutMeteringTests(RolloutMeteringApp app) : IClassFixture<RolloutMeteringApp>
{
    private const string Tenant = "rm-cost";

    [Fact]
    public async Task A_canary_metered_at_30_percent_more_GPU_seconds_per_1k_inferences_is_rolled_back_by_the_cost_gate_and_billed_to_its_placement()
    {
        await app.EnsurePriceBookAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("rm-c1", "rm-region-1");
        using var client = await app.TenantWithPlacementsAsync(Tenant, "rm-region-1", 1, "chat");
        await client.WaitForPlacementAsync(Tenant, "chat", p => p.Phase() == "applying" && emulator.Deployment(Tenant, "chat") is not null);
        emulator.MarkReady(Tenant, "chat", 1);
        var running = await client.WaitForPlacementAsync(Tenant, "chat", p => p.Phase() == "running");
        var runningAt = running.GetProperty("status").GetProperty("transitions").EnumerateArray()
            .Single(t => t.GetProperty("phase").GetString() == "running").GetProperty("at").GetDateTimeOffset();

        await client.StartRolloutAsync(Tenant, "chat", new
        {
            image = "registry.example/llm:hungry",
            strategy = new { type = "canary", steps = new[] { new { weight = 50, pause = "1h" } } },
            analysis = new { interval = "1s", failureLimit = 0, gates = new object[] { new { metric = "cost-per-1k-inferences", maxIncreasePercent = 10 } } },
        });

        // The cluster starts the canary's replica; the observer reports it, as it does a placement's.
        await Eventually.TrueAsync(() => emulator.Deployment(Tenant, "chat-canary") is not null, "the canary Deployment");
        emulator.MarkReady(Tenant, "chat-canary", 1);
        var readyAt = (await Eventually.MatchesAsync(
            () => app.ColumnSqlAsync<DateTimeOffset>("SELECT c.at FROM canary_readiness c JOIN rollouts r ON r.id = c.rollout_id WHERE r.tenant = @t AND c.ready_replicas = 1",
                ("t", Tenant)),
            reports => reports.Count == 1, "the canary's readiness reported")).Single();

        // The serving layer reports inferences per variant: the canary serves 100 for the stable's 130 on the same GPUs,
        // i.e. 30% more GPU-seconds per 1,000 inferences. No GPU-seconds are sent: they come from the system metering.
        using var op = await app.OperatorClientAsync();
        var at = DateTimeOffset.UtcNow;
        var accepted = await op.PostUsageAsync([
            BillingFixtures.Event("s-inf", "inferences", at, 130, new { variant = "stable" }, "chat"),
            BillingFixtures.Event("c-inf", "inferences", at, 100, new { variant = "canary" }, "chat"),
            BillingFixtures.Event("bad", "inferences", at, 1, new { variant = "blue" }, "chat"),
        ], Tenant);
        Assert.Equal(2, accepted.GetProperty("accepted").GetInt32());

        // Seventy minutes later (two accrual steps, across an hour boundary), as two replicas at once.
        var now = readyAt.AddMinutes(70);
        await Task.WhenAll(app.MeteringPassAsync(now), app.MeteringPassAsync(now.AddSeconds(-20)));
        var canarySeconds = BillingApp.ExpectedSeconds(readyAt, now, gpus: 1);
        Assert.Equal(canarySeconds, await CanaryGpuSecondsAsync());
        // Billed to the tenant under its placement like any other GPU-second: the stable Deployment's and the canary's.
        var costs = await client.CostsAsync(Tenant, "placement", now.AddHours(3));
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, now, gpus: 1) + canarySeconds, costs.Quantity("chat", "gpu-seconds"));

        await app.RolloutPassAsync(now);
        var rolledBack = await (await client.GetAsync($"/v1/tenants/{Tenant}/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("rolled-back", rolledBack.RolloutPhase());
        var cost = Assert.Single(rolledBack.Runs()[^1].GetProperty("gates").EnumerateArray());
        Assert.Equal("fail", cost.GetProperty("verdict").GetString());
        var ratio = cost.GetProperty("canary").GetDouble() / cost.GetProperty("stable").GetDouble();
        Assert.True(ratio is > 1.1 and <= 1.3, cost.GetRawText());
        Assert.Equal(cost.GetProperty("stable").GetDouble() * 1.1, cost.GetProperty("limit").GetDouble(), 6);
        Assert.Contains("cost-per-1k-inferences", rolledBack.GetProperty("status").GetProperty("reason").GetString(), StringComparison.Ordinal);
        // This service runs no rollout worker (the pass above was another replica's): its phase gauge shows the change anyway.
        await Eventually.MatchesAsync(() => Task.FromResult(app.RolloutPhaseGauge(Tenant, "chat", 1)), g => g.GetValueOrDefault("rolled-back") == 1 && g.Values.Sum() == 1,
            "controlplane_rollout_phase rolled-back on a replica that did not roll it back");

        // The rollout ended: the canary accrues nothing more, the stable Deployment goes on.
        var later = now.AddMinutes(5);
        await app.MeteringPassAsync(later);
        Assert.Equal(canarySeconds, await CanaryGpuSecondsAsync());
        costs = await client.CostsAsync(Tenant, "placement", now.AddHours(3));
        Assert.Equal(BillingApp.ExpectedSeconds(runningAt, later, gpus: 1) + canarySeconds, costs.Quantity("chat", "gpu-seconds"));
    }

    [Fact]
    public async Task A_placement_named_as_the_canary_of_a_placement_under_rollout_is_refused_and_admitted_once_the_rollout_ended()
    {
        const string tenant = "rm-names";
        await app.RegisterClusterWithGatewayAsync("rm-c2", "rm-region-2");
        using var client = await app.TenantWithPlacementsAsync(tenant, "rm-region-2", 1, "chat");
        await client.StartRolloutAsync(tenant, "chat", RolloutWorld.Canary("registry.example/llm:2", "1h", 0, 50));
        object Named(string name) => new
        {
            name, kind = "inference", image = "registry.example/llm:1", replicas = new { min = 1, max = 1 }, resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        };

        var refused = await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", Named("chat-canary")))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "canary-name-taken");
        Assert.Equal("chat-canary", refused.GetProperty("canary").GetString());
        Assert.Contains("rollout is in progress", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Only the canary's name is taken: other names ending the same way are not.
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", Named("other-canary"))).ExpectAsync(HttpStatusCode.Created);

        await (await client.PostAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1:abort", null)).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", Named("chat-canary"))).ExpectAsync(HttpStatusCode.Created);
        // And the reverse, by the same rule: no rollout of chat while a placement is named chat-canary.
        var reverse = await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements/chat/rollouts",
                RolloutWorld.Canary("registry.example/llm:3", "1h", 0, 50)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "canary-name-taken");
        Assert.Equal("chat-canary", reverse.GetProperty("canary").GetString());
    }

    private async Task<decimal> CanaryGpuSecondsAsync() =>
        await app.ScalarSqlAsync<decimal>(
            "SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE meter = 'gpu-seconds' AND subject = 'chat' AND dimension_key LIKE '%variant=canary%' "
            + "AND tenant_id = (SELECT id FROM tenants WHERE name = @t)", ("t", Tenant));
}
