namespace ControlPlane.IntegrationTests.Billing;

/// <summary>Cost per 1,000 inferences: accrued GPU-seconds and posted usage of a placement and of a model.</summary>
public sealed class UnitEconomicsTests(BillingApp app) : IClassFixture<BillingApp>
{
    [Fact]
    public async Task Cost_per_1000_inferences_combines_accrued_gpu_seconds_with_posted_inferences()
    {
        var (client, runningAt) = await app.RunningPlacementAsync("unit-acme", "chat", replicas: 1);
        var t = runningAt.AddMinutes(30);
        await app.MeteringPassAsync(t);
        await client.PostUsageAsync(
        [
            BillingFixtures.Event("inf-1", "inferences", runningAt.AddMinutes(1), 40_000m, new { model = "llm" }, subject: "chat"),
            BillingFixtures.Event("tok-1", "tokens-in", runningAt.AddMinutes(1), 1_000_000m, new { model = "llm" }, subject: "chat"),
        ]);

        var economics = await (await client.GetAsync(
            $"/v1/tenants/unit-acme/costs/unit-economics?to={Uri.EscapeDataString(runningAt.AddHours(3).ToString("O"))}")).ExpectAsync(HttpStatusCode.OK);

        var seconds = BillingApp.ExpectedSeconds(runningAt, t, gpus: 1);
        var cost = seconds * BillingFixtures.H100PerSecond + 40_000m * BillingFixtures.Inference + 1_000_000m * BillingFixtures.TokensInLlm;
        var chat = economics.GetProperty("placements").EnumerateArray().Single(p => p.GetProperty("key").GetString() == "chat");
        Assert.Equal(40_000m, chat.GetProperty("inferences").GetDecimal());
        Assert.Equal(cost, chat.GetProperty("cost").GetDecimal());
        Assert.Equal(cost * 1000m / 40_000m, chat.GetProperty("costPer1kInferences").GetDecimal());
        // Only the posted usage carries the model dimension (this placement serves an image, not a registry model).
        var llm = economics.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "llm");
        Assert.Equal((40_000m * BillingFixtures.Inference + 1_000_000m * BillingFixtures.TokensInLlm) * 1000m / 40_000m,
            llm.GetProperty("costPer1kInferences").GetDecimal());

        var byDay = await client.CostsAsync("unit-acme", "day", runningAt.AddHours(3));
        Assert.Equal(cost, byDay.GetProperty("total").GetDecimal());
    }
}
