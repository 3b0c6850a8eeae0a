namespace ControlPlane.IntegrationTests.Tenants;

public sealed class TenantLifecycleTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Operator_creates_reads_updates_suspends_resumes_and_deletes_a_tenant()
    {
        using var op = await app.OperatorClientAsync();

        var created = await op.PostAsJsonAsync("/v1/tenants", new
        {
            name = "acme", displayName = "Acme Corp", isolationTier = "strong", allowedRegions = new[] { "eu-north1" },
            labels = new Dictionary<string, string> { ["team"] = "ml" },
        });
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("/v1/tenants/acme", created.Headers.Location?.ToString());
        Assert.Equal("strong", body.GetProperty("isolationTier").GetString());
        Assert.Equal("active", body.GetProperty("state").GetString());
        Assert.NotNull(created.Headers.ETag);

        var read = await op.GetAsync("/v1/tenants/acme");
        Assert.Equal("Acme Corp", (await read.ExpectAsync(HttpStatusCode.OK)).GetProperty("displayName").GetString());
        var etag = read.Headers.ETag!.ToString();

        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/tenants/acme") { Content = JsonContent.Create(new { displayName = "Acme AI" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", etag);
        var updated = await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Acme AI", updated.GetProperty("displayName").GetString());
        Assert.Equal("strong", updated.GetProperty("isolationTier").GetString());

        var suspended = await (await op.PostAsync("/v1/tenants/acme:suspend", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("suspended", suspended.GetProperty("state").GetString());
        await (await op.PostAsync("/v1/tenants/acme:suspend", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-not-active");
        var resumed = await (await op.PostAsync("/v1/tenants/acme:resume", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", resumed.GetProperty("state").GetString());

        await (await op.DeleteAsync("/v1/tenants/acme")).ExpectAsync(HttpStatusCode.NoContent);
        await (await op.GetAsync("/v1/tenants/acme")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
