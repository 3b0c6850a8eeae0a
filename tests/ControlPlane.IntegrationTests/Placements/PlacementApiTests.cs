namespace ControlPlane.IntegrationTests.Placements;

public sealed class PlacementApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private static object Request(string name, int gpus = 1, int min = 1, int? max = null) => new
    {
        name, kind = "inference", image = "img:1", replicas = new { min, max = max ?? min }, resources = new { gpuModel = "h100", gpusPerReplica = gpus },
    };

    [Fact]
    public async Task Rescaling_readmits_only_the_difference_and_refuses_beyond_quota()
    {
        var client = await SetUpAsync("scale", gpuQuota: 6);
        await (await client.PostAsJsonAsync("/v1/tenants/scale/placements", Request("svc", gpus: 2, min: 1))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, await UsedAsync(client, "scale", "gpu.h100"));

        // Autoscaling bounds reserve for the maximum: every scale-up the autoscaler makes is guaranteed.
        var scaled = await (await Patch(client, "/v1/tenants/scale/placements/svc", new { replicas = new { min = 1, max = 3 } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, scaled.GetProperty("spec").GetProperty("replicas").GetProperty("max").GetInt32());
        Assert.Equal(6, await UsedAsync(client, "scale", "gpu.h100"));

        await (await Patch(client, "/v1/tenants/scale/placements/svc", new { replicas = new { min = 4 } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");
        Assert.Equal(6, await UsedAsync(client, "scale", "gpu.h100"));

        await (await Patch(client, "/v1/tenants/scale/placements/svc", new { replicas = new { min = 1 } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, await UsedAsync(client, "scale", "gpu.h100"));
        await (await Patch(client, "/v1/tenants/scale/placements/svc", new { replicas = new { min = 0 } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Preview_answers_like_an_admission_without_admitting()
    {
        var client = await SetUpAsync("preview", gpuQuota: 4);
        var preview = await (await client.PostAsJsonAsync("/v1/tenants/preview/placements:preview", Request("p", gpus: 4))).ExpectAsync(HttpStatusCode.OK);
        var bursting = await (await client.PostAsJsonAsync("/v1/tenants/preview/placements:preview", Request("p", gpus: 2, min: 1, max: 3))).ExpectAsync(HttpStatusCode.OK);
        Assert.False(bursting.GetProperty("admissible").GetBoolean()); // 3 replicas × 2 GPUs reserved, of a quota of 4
        Assert.True(preview.GetProperty("admissible").GetBoolean());
        Assert.Equal("scheduled", preview.GetProperty("decision").GetProperty("outcome").GetString());
        Assert.Equal(0, await UsedAsync(client, "preview", "gpu.h100"));

        var tooBig = await (await client.PostAsJsonAsync("/v1/tenants/preview/placements:preview", Request("p", gpus: 8))).ExpectAsync(HttpStatusCode.OK);
        Assert.False(tooBig.GetProperty("admissible").GetBoolean());
        Assert.Contains(tooBig.GetProperty("quota").EnumerateArray(), q => q.GetProperty("resource").GetString() == "gpu.h100" && !q.GetProperty("sufficient").GetBoolean());
        var list = await (await client.GetAsync("/v1/tenants/preview/placements")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Impossible_requests_are_422_with_every_pools_reason()
    {
        var client = await SetUpAsync("impossible", gpuQuota: 64);
        var problem = await (await client.PostAsJsonAsync("/v1/tenants/impossible/placements", Request("huge", gpus: 16)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unschedulable");
        var candidates = problem.GetProperty("decision").GetProperty("candidates").EnumerateArray().ToList();
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("reason").GetString())));
    }

    [Fact]
    public async Task Invalid_placements_are_400_naming_each_field()
    {
        var client = await SetUpAsync("invalid", gpuQuota: 8);
        var problem = await (await client.PostAsJsonAsync("/v1/tenants/invalid/placements", new
        {
            name = "Bad_Name", image = "has space", replicas = new { min = 2, max = 1 },
            resources = new { gpuModel = "h100", migProfile = "1g.10gb", memory = "lots" },
            env = new Dictionary<string, string> { ["1BAD"] = "x", ["CONTROLPLANE_X"] = "y" },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "kind", "image", "replicas.max", "resources.gpuModel", "resources.memory", "env.1BAD", "env.CONTROLPLANE_X" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        Assert.Equal(0, (await (await client.GetAsync("/v1/tenants/invalid/placements")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_suspended_tenant_cannot_place_and_a_tenant_with_placements_cannot_be_deleted()
    {
        var ci = await SetUpPrincipalAsync("frozen", gpuQuota: 8);
        var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/frozen/placements", Request("first"))).ExpectAsync(HttpStatusCode.Created);
        using var op = await app.OperatorClientAsync();
        await (await op.DeleteAsync("/v1/tenants/frozen")).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-has-live-resources");
        await (await op.PostAsync("/v1/tenants/frozen:suspend", null)).ExpectAsync(HttpStatusCode.OK);
        // The suspension revoked the tokens issued before it; a new one reads but cannot create.
        client = app.ClientWithToken(await app.NewTokenAsync(ci.ClientId, ci.ClientSecret));
        await (await client.PostAsJsonAsync("/v1/tenants/frozen/placements", Request("second"))).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-suspended");
        await (await client.GetAsync("/v1/tenants/frozen/placements/first")).ExpectAsync(HttpStatusCode.OK);

        // Once its placements are gone, the tenant can be deleted, finished placements and all.
        await (await op.PostAsync("/v1/tenants/frozen:resume", null)).ExpectAsync(HttpStatusCode.OK);
        await (await client.DeleteAsync("/v1/tenants/frozen/placements/first")).ExpectAsync(HttpStatusCode.Accepted);
        await client.WaitForPlacementAsync("frozen", "first", p => p.Phase() == "terminated");
        await (await op.DeleteAsync("/v1/tenants/frozen")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Viewers_read_but_cannot_place_and_lists_filter_by_kind_and_phase()
    {
        var client = await SetUpAsync("filters", gpuQuota: 8);
        await (await client.PostAsJsonAsync("/v1/tenants/filters/placements", Request("serve"))).ExpectAsync(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync("/v1/tenants/filters/placements", new
        {
            name = "train", kind = "training", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);
        var viewer = await app.CreateAccountAsync("filters", "reader", "viewer");
        using var viewerClient = app.ClientWithToken(viewer.Token);
        await (await viewerClient.PostAsJsonAsync("/v1/tenants/filters/placements", Request("nope"))).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var training = await (await viewerClient.GetAsync("/v1/tenants/filters/placements?kind=training")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["train"], training.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var terminated = await (await viewerClient.GetAsync("/v1/tenants/filters/placements?phase=terminated")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, terminated.GetProperty("items").GetArrayLength());
    }

    private async Task<HttpClient> SetUpAsync(string tenant, long gpuQuota) => app.ClientWithToken((await SetUpPrincipalAsync(tenant, gpuQuota)).Token);

    private async Task<TenantPrincipal> SetUpPrincipalAsync(string tenant, long gpuQuota)
    {
        await app.RegisterClusterAsync("c-" + tenant, region: "r-" + tenant);
        await app.CreatePoolAsync("c-" + tenant, GpuFleet.H100OnDemand("pool-" + tenant, nodeCount: 1));
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "gpu.h100", gpuQuota);
        await app.SetQuotaAsync(tenant, "placements", 10);
        await app.RestrictToRegionAsync(tenant, "r-" + tenant);
        return ci;
    }

    private static Task<HttpResponseMessage> Patch(HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) });

    private static async Task<long> UsedAsync(HttpClient client, string tenant, string resource)
    {
        var quotas = await (await client.GetAsync($"/v1/tenants/{tenant}/quotas")).ExpectAsync(HttpStatusCode.OK);
        return quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == resource).GetProperty("used").GetInt64();
    }
}
