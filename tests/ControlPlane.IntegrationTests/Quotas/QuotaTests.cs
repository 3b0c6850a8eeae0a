namespace ControlPlane.IntegrationTests.Quotas;

public sealed class QuotaTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Operator_sets_limits_and_tenant_principals_read_them_with_use_and_percentage()
    {
        var viewer = await app.CreateTenantWithAccountAsync("quota-read", "viewer");
        using var op = await app.OperatorClientAsync();
        foreach (var (resource, limit) in new[] { ("gpu.h100", 16L), ("mig.1g.10gb", 14L), ("placements", 10L), ("spend.monthly", 500_000L) })
        {
            var set = await (await op.PutAsJsonAsync($"/v1/tenants/quota-read/quotas/{resource}", new { limit })).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(limit, set.GetProperty("limit").GetInt64());
        }

        using var client = app.ClientWithToken(viewer.Token);
        var quotas = await (await client.GetAsync("/v1/tenants/quota-read/quotas")).ExpectAsync(HttpStatusCode.OK);
        var items = quotas.GetProperty("items").EnumerateArray().ToDictionary(q => q.GetProperty("resource").GetString()!);
        Assert.Equal(["gpu.h100", "mig.1g.10gb", "placements", "spend.monthly"], items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(16, items["gpu.h100"].GetProperty("limit").GetInt64());
        Assert.Equal(0, items["gpu.h100"].GetProperty("used").GetInt64());
        Assert.Equal(0m, items["gpu.h100"].GetProperty("percentage").GetDecimal());
    }

    [Theory]
    [InlineData("gpu.H100", "a")]
    [InlineData("cpu", "b")]
    [InlineData("mig.9g.10gb", "c")]
    [InlineData("storage", "d")]
    public async Task Unknown_resource_names_are_400(string resource, string tenantSuffix)
    {
        var tenant = "quota-bad-" + tenantSuffix;
        await app.CreateTenantWithAccountAsync(tenant);
        using var op = await app.OperatorClientAsync();
        var problem = await (await op.PutAsJsonAsync($"/v1/tenants/{tenant}/quotas/{resource}", new { limit = 1 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("resource", out _));
    }

    [Fact]
    public async Task Negative_or_missing_limit_is_400()
    {
        await app.CreateTenantWithAccountAsync("quota-neg");
        using var op = await app.OperatorClientAsync();
        var negative = await (await op.PutAsJsonAsync("/v1/tenants/quota-neg/quotas/gpu.h100", new { limit = -1 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(negative.GetProperty("errors").TryGetProperty("limit", out _));
        await (await op.PutAsJsonAsync("/v1/tenants/quota-neg/quotas/gpu.h100", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var list = await (await op.GetAsync("/v1/tenants/quota-neg/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Tenant_admin_cannot_set_its_own_quota()
    {
        var admin = await app.CreateTenantWithAccountAsync("quota-self");
        using var client = app.ClientWithToken(admin.Token);
        await (await client.PutAsJsonAsync("/v1/tenants/quota-self/quotas/gpu.h100", new { limit = 1000 }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Quota_update_honours_if_match()
    {
        await app.CreateTenantWithAccountAsync("quota-etag");
        using var op = await app.OperatorClientAsync();
        var first = await op.PutAsJsonAsync("/v1/tenants/quota-etag/quotas/placements", new { limit = 5 });
        var etag = first.Headers.ETag!.ToString();
        using var ok = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/quota-etag/quotas/placements") { Content = JsonContent.Create(new { limit = 6 }) };
        ok.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await op.SendAsync(ok)).ExpectAsync(HttpStatusCode.OK);
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/quota-etag/quotas/placements") { Content = JsonContent.Create(new { limit = 7 }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await op.SendAsync(stale)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
    }
}
