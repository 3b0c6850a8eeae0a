namespace ControlPlane.IntegrationTests.Models;

public sealed class ModelServingTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task An_inference_placement_serves_the_version_an_alias_resolved_to_and_pins_it()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("serve-c");
        await app.CreatePoolAsync("serve-c", GpuFleet.H100OnDemand("serve-pool"));
        var ci = await app.CreateTenantWithAccountAsync("serve", "developer");
        await app.SetQuotaAsync("serve", "storage.bytes", 1_000_000);
        await app.SetQuotaAsync("serve", "gpu.h100", 8);
        await app.SetQuotaAsync("serve", "placements", 8);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/serve/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        var v1 = await client.PublishAsync("serve", "llm", [1, 2, 3]);
        await client.PublishAsync("serve", "llm", [4, 5, 6]);
        await (await client.PutAsJsonAsync("/v1/tenants/serve/models/llm/aliases/production", new { version = 1 })).ExpectAsync(HttpStatusCode.OK);

        var placement = await (await client.PostAsJsonAsync("/v1/tenants/serve/placements", new
        {
            name = "chat", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
            model = new { name = "llm", alias = "production" },
        })).ExpectAsync(HttpStatusCode.Created);
        var model = placement.GetProperty("spec").GetProperty("model");
        Assert.Equal(1, model.GetProperty("version").GetInt32());
        Assert.Equal(v1.GetProperty("digest").GetString(), model.GetProperty("digest").GetString());

        // Moving the alias later does not change what the placement serves.
        await (await client.PutAsJsonAsync("/v1/tenants/serve/models/llm/aliases/production", new { version = 2 })).ExpectAsync(HttpStatusCode.OK);
        var pinned = await (await client.GetAsync("/v1/tenants/serve/placements/chat")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, pinned.GetProperty("spec").GetProperty("model").GetProperty("version").GetInt32());

        // The pods get a projected service-account token (audience controlplane) and are told the digest and the token endpoint.
        await client.WaitForPlacementAsync("serve", "chat", _ => emulator.Get("apps/v1", "deployments", "t-serve", "chat") is not null);
        var pod = emulator.Get("apps/v1", "deployments", "t-serve", "chat")!["spec"]!["template"]!["spec"]!;
        var projected = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "model-pull-token")!["projected"]!["sources"]![0]!["serviceAccountToken"]!;
        Assert.Equal("controlplane", (string?)projected["audience"]);
        var env = pod["containers"]![0]!["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal(v1.GetProperty("digest").GetString(), env["CONTROLPLANE_MODEL_DIGEST"]);
        Assert.EndsWith("/connect/token", env["CONTROLPLANE_TOKEN_ENDPOINT"], StringComparison.Ordinal);

        // Lineage names the placements that serve a version (the pinned one), and none for the version the alias moved to.
        var lineage = await (await client.GetAsync("/v1/tenants/serve/models/llm/versions/1/lineage")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("chat", Assert.Single(lineage.GetProperty("servedBy").EnumerateArray()).GetProperty("name").GetString());
        var unserved = await (await client.GetAsync("/v1/tenants/serve/models/llm/versions/2/lineage")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, unserved.GetProperty("servedBy").GetArrayLength());

        // A version served by a live placement cannot be deleted; an unused one can, and gives its storage back.
        await (await client.DeleteAsync("/v1/tenants/serve/models/llm/versions/1")).ExpectProblemAsync(HttpStatusCode.Conflict, "version-in-use");
        await (await client.DeleteAsync("/v1/tenants/serve/models/llm/versions/2")).ExpectProblemAsync(HttpStatusCode.Conflict, "version-in-use");
        await (await client.DeleteAsync("/v1/tenants/serve/models/llm/aliases/production")).ExpectAsync(HttpStatusCode.NoContent);
        await (await client.DeleteAsync("/v1/tenants/serve/models/llm/versions/2")).ExpectAsync(HttpStatusCode.NoContent);
        var quotas = await (await client.GetAsync("/v1/tenants/serve/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "storage.bytes").GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task A_model_cannot_be_deleted_while_a_running_placement_serves_it_not_even_through_a_dot_dot_path()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("keep-c");
        await app.CreatePoolAsync("keep-c", GpuFleet.H100OnDemand("keep-pool"));
        var admin = await app.CreateTenantWithAccountAsync("keep");
        await app.SetQuotaAsync("keep", "storage.bytes", 1_000_000);
        await app.SetQuotaAsync("keep", "gpu.h100", 8);
        await app.SetQuotaAsync("keep", "placements", 8);
        using var client = app.ClientWithToken(admin.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/keep/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        await client.PublishAsync("keep", "llm", [7, 7, 7]);
        await (await client.PostAsJsonAsync("/v1/tenants/keep/placements", new
        {
            name = "chat", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
            model = new { name = "llm", version = 1 },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync("keep", "chat", _ => emulator.Get("apps/v1", "deployments", "t-keep", "chat") is not null);
        emulator.MarkReady("keep", "chat", 1);
        await client.WaitForPlacementAsync("keep", "chat", p => p.Phase() == "running");

        var problem = await (await client.DeleteAsync("/v1/tenants/keep/models/llm")).ExpectProblemAsync(HttpStatusCode.Conflict, "model-in-use");
        Assert.Equal("chat", Assert.Single(problem.GetProperty("placements").EnumerateArray()).GetString());
        // Dot segments are removed before routing (by the client here, by Kestrel otherwise): these are the model's own path.
        await (await client.DeleteAsync("/v1/tenants/keep/models/llm/versions/../")).ExpectProblemAsync(HttpStatusCode.Conflict, "model-in-use");
        await (await client.DeleteAsync("/v1/tenants/keep/models/llm/versions/1/../..")).ExpectProblemAsync(HttpStatusCode.Conflict, "model-in-use");
        await (await client.GetAsync("/v1/tenants/keep/models/llm/versions/1")).ExpectAsync(HttpStatusCode.OK);

        // Once the placement is gone, so may the model be.
        await (await client.DeleteAsync("/v1/tenants/keep/placements/chat")).ExpectAsync(HttpStatusCode.Accepted);
        await Eventually.MatchesAsync(async () => (await client.DeleteAsync("/v1/tenants/keep/models/llm")).StatusCode,
            status => status == HttpStatusCode.NoContent, "the model's deletion once its placement terminated");
        await (await client.GetAsync("/v1/tenants/keep/models/llm")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_or_unready_model_references_are_refused_and_training_cannot_name_a_model()
    {
        await app.RegisterClusterAsync("ref-c");
        await app.CreatePoolAsync("ref-c", GpuFleet.H100OnDemand("ref-pool"));
        var ci = await app.CreateTenantWithAccountAsync("refs", "developer");
        await app.SetQuotaAsync("refs", "storage.bytes", 1_000_000);
        await app.SetQuotaAsync("refs", "gpu.h100", 8);
        await app.SetQuotaAsync("refs", "placements", 8);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/refs/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        await client.RegisterAsync("refs", "llm", [9, 9, 9]);
        object Placement(object model, string kind = "inference") => new
        {
            name = "p", kind, image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 }, model,
        };

        await (await client.PostAsJsonAsync("/v1/tenants/refs/placements", Placement(new { name = "nope", version = 1 })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.PostAsJsonAsync("/v1/tenants/refs/placements", Placement(new { name = "llm", alias = "production" })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.PostAsJsonAsync("/v1/tenants/refs/placements", Placement(new { name = "llm", version = 1 })))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "version-not-ready");
        await (await client.PostAsJsonAsync("/v1/tenants/refs/placements", Placement(new { name = "llm", version = 1 }, "training")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var quotas = await (await client.GetAsync("/v1/tenants/refs/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(quotas.GetProperty("items").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("used").GetInt64()));
    }
}
