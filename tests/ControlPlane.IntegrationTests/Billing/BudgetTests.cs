using System.Text.Json;

namespace ControlPlane.IntegrationTests.Billing;

/// <summary>Budgets: alert thresholds recorded once per month, and hard caps (and spend quotas) refusing admissions.</summary>
public sealed class BudgetTests(BillingApp app) : IClassFixture<BillingApp>
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-5);

    /// <summary>Spends exactly <paramref name="amount"/> USD of inferences (0.0005 each).</summary>
    private static async Task SpendAsync(HttpClient client, string id, decimal amount) =>
        await client.PostUsageAsync([BillingFixtures.Event(id, "inferences", At, amount / BillingFixtures.Inference)]);

    private async Task<HttpClient> TenantWithGpusAsync(string tenant)
    {
        await app.EnsurePriceBookAsync();
        var sa = await app.CreateTenantWithAccountAsync(tenant, "tenant-admin");
        await app.RestrictToRegionAsync(tenant, "r-budget");
        await app.SetQuotaAsync(tenant, "gpu.h100", 8);
        await app.SetQuotaAsync(tenant, "placements", 8);
        return app.ClientWithToken(sa.Token);
    }

    private static Task<HttpResponseMessage> AdmitAsync(HttpClient client, string tenant, string name) =>
        client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", new
        {
            name, kind = "inference", image = "registry.example/llm:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        });

    [Fact]
    public async Task A_hard_capped_budget_refuses_an_admission_that_would_exceed_it_and_a_soft_one_allows_it()
    {
        await app.RegisterClusterAsync("c-budget", region: "r-budget");
        await app.CreatePoolAsync("c-budget", GpuFleet.H100OnDemand("pool-budget"));
        using var capped = await TenantWithGpusAsync("capped");
        using var soft = await TenantWithGpusAsync("soft");
        // One H100 for the 1 h horizon costs 3600 × 0.001 = 3.60; both tenants have spent 8.00 of a 10.00 budget.
        await SpendAsync(capped, "spent", 8m);
        await SpendAsync(soft, "spent", 8m);
        await (await capped.PutAsJsonAsync("/v1/tenants/capped/budget", new { monthlyAmount = 10m, alertThresholds = new[] { 50, 80, 100 }, hardCap = true }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await soft.PutAsJsonAsync("/v1/tenants/soft/budget", new { monthlyAmount = 10m, hardCap = false })).ExpectAsync(HttpStatusCode.OK);

        // The preview says so first, with the figures, and the soft budget's tenant sees no money check at all.
        var preview = await (await capped.PostAsJsonAsync("/v1/tenants/capped/placements:preview", new
        {
            name = "llm", kind = "inference", image = "registry.example/llm:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.OK);
        Assert.False(preview.GetProperty("admissible").GetBoolean());
        Assert.Equal("budget-exceeded", preview.GetProperty("spend").GetProperty("reason").GetString());
        Assert.Equal(8.00m, preview.GetProperty("spend").GetProperty("monthToDateSpend").GetDecimal());
        Assert.Equal(3.60m, preview.GetProperty("spend").GetProperty("estimatedCost").GetDecimal());
        Assert.False(preview.GetProperty("spend").TryGetProperty("extensions", out _));
        var softPreview = await (await soft.PostAsJsonAsync("/v1/tenants/soft/placements:preview", new
        {
            name = "llm", kind = "inference", image = "registry.example/llm:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.OK);
        Assert.True(softPreview.GetProperty("admissible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, softPreview.GetProperty("spend").ValueKind);

        var refused = await (await AdmitAsync(capped, "capped", "llm")).ExpectProblemAsync(HttpStatusCode.Conflict, "budget-exceeded");
        Assert.Contains("budget of tenant 'capped'", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(8.00m, refused.GetProperty("monthToDateSpend").GetDecimal());
        Assert.Equal(3.60m, refused.GetProperty("estimatedCost").GetDecimal());
        Assert.Equal(10m, refused.GetProperty("budget").GetProperty("monthlyAmount").GetDecimal());
        await (await AdmitAsync(soft, "soft", "llm")).ExpectAsync(HttpStatusCode.Created);
        // Nothing was reserved for the refused one.
        var quotas = await (await capped.GetAsync("/v1/tenants/capped/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(quotas.GetProperty("items").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("used").GetInt64()));

        // Raising the budget (If-Match from the read) lets it in.
        var read = await capped.GetAsync("/v1/tenants/capped/budget");
        var etag = read.Headers.ETag!.ToString();
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/capped/budget")
        {
            Content = JsonContent.Create(new { monthlyAmount = 20m, hardCap = true }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await capped.SendAsync(stale)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var fresh = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/capped/budget")
        {
            Content = JsonContent.Create(new { monthlyAmount = 20m, hardCap = true }),
        };
        fresh.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await capped.SendAsync(fresh)).ExpectAsync(HttpStatusCode.OK);
        await (await AdmitAsync(capped, "capped", "llm")).ExpectAsync(HttpStatusCode.Created);

        // Growing a placement admits the difference: 8.00 + 4 more GPUs × 3.60 = 22.40 > 20.
        using var grow = new HttpRequestMessage(HttpMethod.Patch, "/v1/tenants/capped/placements/llm")
        {
            Content = JsonContent.Create(new { replicas = new { min = 5, max = 5 } }),
        };
        var growRefused = await (await capped.SendAsync(grow)).ExpectProblemAsync(HttpStatusCode.Conflict, "budget-exceeded");
        Assert.Equal(14.40m, growRefused.GetProperty("estimatedCost").GetDecimal());
    }

    [Fact]
    public async Task The_monthly_spend_and_gpu_hour_quotas_are_enforced_at_admission()
    {
        await app.RegisterClusterAsync("c-quota", region: "r-budget");
        await app.CreatePoolAsync("c-quota", GpuFleet.H100OnDemand("pool-quota"));
        using var client = await TenantWithGpusAsync("metered");
        await SpendAsync(client, "spent", 2m);

        await app.SetQuotaAsync("metered", "spend.monthly", 500); // 5.00: 2.00 spent + 3.60 estimated is over
        var refused = await (await AdmitAsync(client, "metered", "a")).ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");
        Assert.Contains("spend.monthly", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.SetQuotaAsync("metered", "spend.monthly", 600);
        await (await AdmitAsync(client, "metered", "a")).ExpectAsync(HttpStatusCode.Created);

        // The quota list shows the month's use of the monthly quotas: 2.00 USD spent = 200 minor units of 600.
        var quotas = await (await client.GetAsync("/v1/tenants/metered/quotas")).ExpectAsync(HttpStatusCode.OK);
        var spendQuota = quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "spend.monthly");
        Assert.Equal(200, spendQuota.GetProperty("used").GetInt64());
        Assert.Equal(33.33m, spendQuota.GetProperty("percentage").GetDecimal());

        await app.SetQuotaAsync("metered", "gpu-hours.monthly", 0);
        var hours = await (await AdmitAsync(client, "metered", "b")).ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");
        Assert.Contains("gpu-hours.monthly", hours.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Threshold_crossings_are_recorded_once_per_month_as_audit_events_and_shown_on_the_budget()
    {
        using var client = await TenantWithGpusAsync("alerting");
        await (await client.PutAsJsonAsync("/v1/tenants/alerting/budget", new { monthlyAmount = 10m, alertThresholds = new[] { 100, 50, 80 }, hardCap = false }))
            .ExpectAsync(HttpStatusCode.OK);
        await SpendAsync(client, "first", 6m);

        await app.MeteringPassAsync(DateTimeOffset.UtcNow);
        await SpendAsync(client, "second", 2m);
        await app.MeteringPassAsync(DateTimeOffset.UtcNow);
        await app.MeteringPassAsync(DateTimeOffset.UtcNow);

        var budget = await (await client.GetAsync("/v1/tenants/alerting/budget")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(8.00m, budget.GetProperty("monthToDateSpend").GetDecimal());
        Assert.Equal(80m, budget.GetProperty("percentage").GetDecimal());
        Assert.Equal([50, 80, 100], budget.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Equal([50, 80], budget.GetProperty("thresholdsCrossed").EnumerateArray().Select(t => t.GetInt32()));
        var audit = await (await client.GetAsync("/v1/audit-events?tenant=alerting&pageSize=200")).ExpectAsync(HttpStatusCode.OK);
        var crossings = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "budget.threshold-crossed").ToList();
        Assert.Equal(["50", "80"], crossings.Select(e => e.GetProperty("details").GetProperty("threshold").GetString()).Order());
        Assert.All(crossings, e => Assert.Equal("system", e.GetProperty("actor").GetString()));

        await (await client.DeleteAsync("/v1/tenants/alerting/budget")).ExpectAsync(HttpStatusCode.NoContent);
        await (await client.GetAsync("/v1/tenants/alerting/budget")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
