namespace ControlPlane.IntegrationTests.Tenants;

/// <summary>The tenant GET is a compiled query (CompiledTenantReads): it must still find exactly the named tenant, fresh.</summary>
public sealed class TenantReadTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Get_tenant_reads_exactly_the_named_tenant_with_its_current_state()
    {
        var north = await app.CreateTenantWithAccountAsync("north", role: "viewer");
        await app.CreateTenantWithAccountAsync("north-2", role: "viewer");
        using var op = await app.OperatorClientAsync();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/tenants/north-2") { Content = JsonContent.Create(new { displayName = "North Two" }) };
        await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);

        var first = await op.GetAsync("/v1/tenants/north");
        var firstBody = await first.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("north", firstBody.GetProperty("name").GetString());
        Assert.Equal("NORTH", firstBody.GetProperty("displayName").GetString()); // as the fixture creates it
        var second = await (await op.GetAsync("/v1/tenants/north-2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("North Two", second.GetProperty("displayName").GetString());
        Assert.NotEqual(firstBody.GetProperty("id").GetString(), second.GetProperty("id").GetString());

        // No prefix or case-insensitive match, and a change is visible to the next read (untracked, no cached entity).
        await (await op.GetAsync("/v1/tenants/nort")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await op.GetAsync("/v1/tenants/NORTH")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        using var suspend = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants/north:suspend");
        suspend.Headers.TryAddWithoutValidation("If-Match", first.Headers.ETag!.ToString());
        await (await op.SendAsync(suspend)).ExpectAsync(HttpStatusCode.OK);
        var after = await op.GetAsync("/v1/tenants/north");
        Assert.Equal("suspended", (await after.ExpectAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
        Assert.NotEqual(first.Headers.ETag, after.Headers.ETag);

        // A principal of north reads north (a fresh token: suspension refused the old one) and never north-2.
        using var viewer = app.ClientWithToken(await app.NewTokenAsync(north.ClientId, north.ClientSecret));
        Assert.Equal("north", (await (await viewer.GetAsync("/v1/tenants/north")).ExpectAsync(HttpStatusCode.OK)).GetProperty("name").GetString());
        await (await viewer.GetAsync("/v1/tenants/north-2")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
