namespace ControlPlane.IntegrationTests.Slos;

/// <summary>The cost SLO, from the control plane's own metering and price book (no Prometheus involved).</summary>
public sealed class CostSloTests(SloApp app) : IClassFixture<SloApp>
{
    [Fact]
    public async Task The_cost_SLO_is_the_share_of_5_minute_slices_under_the_cost_per_1000_inferences_limit()
    {
        await app.EnsurePriceBookAsync();
        await app.RegisterClusterWithPrometheusAsync("cost-slo", "cost-slo-region");
        using var client = await app.TenantWithPlacementsAsync("slo-cost", "cost-slo-region", 1, "chat");
        // Six finished 5-minute slices of 100 inferences: four with 1,000 input tokens (0.05 + 0.003 = 0.53 per 1,000
        // inferences), two with 100,000 (0.05 + 0.30 = 3.50 per 1,000). Another placement's expensive slices do not count.
        var now = DateTimeOffset.UtcNow;
        var lastSlice = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.FromMinutes(5).Ticks), TimeSpan.Zero);
        var events = new List<object>();
        for (var k = 1; k <= 6; k++)
        {
            var at = lastSlice - TimeSpan.FromMinutes(5 * k) + TimeSpan.FromMinutes(1);
            events.Add(BillingFixtures.Event($"inf-{k}", "inferences", at, 100, subject: "chat"));
            events.Add(BillingFixtures.Event($"tok-{k}", "tokens-in", at, k <= 2 ? 100_000 : 1_000, subject: "chat"));
            events.Add(BillingFixtures.Event($"other-{k}", "tokens-in", at, 10_000_000, subject: "batch"));
        }

        // Usage older than its tenant is refused: the tenant has existed since before the first slice.
        await app.BackdateTenantAsync("slo-cost", lastSlice.AddHours(-1));
        using var op = await app.OperatorClientAsync();
        await op.PostUsageAsync([.. events], "slo-cost");

        await (await client.PutAsJsonAsync("/v1/tenants/slo-cost/slos/chat-cost", new
        {
            placement = "chat", objective = 95, window = "1d", indicator = new { kind = "cost", maxCostPer1kInferences = 1.0m },
            remediation = new[] { new { on = "budget-exhausted", action = "freeze-rollouts" } },
        })).ExpectAsync(HttpStatusCode.Created);
        var slo = await client.WaitForSloAsync("slo-cost", "chat-cost", s => s.SloState() != "no-data", "the cost SLO evaluated");
        Assert.Equal("exhausted", slo.SloState());
        Assert.Equal(4.0 / 6, slo.SloStatus().GetProperty("sli").GetDouble(), 6);
        Assert.Equal(2.0 / 6, slo.SloStatus().GetProperty("errorBudget").GetProperty("consumed").GetDouble(), 6);
        slo = await client.WaitForSloAsync("slo-cost", "chat-cost", s => s.SloStatus().GetProperty("rolloutsFrozen").GetBoolean(), "rollouts frozen");
        Assert.Equal(["freeze-rollouts"], slo.ActiveActions());

        // Measured from metering, not Prometheus: no rules.
        Assert.Equal("groups: []\n", await (await client.GetAsync("/v1/tenants/slo-cost/slos/chat-cost/prometheus-rules")).Content.ReadAsStringAsync());
    }
}
