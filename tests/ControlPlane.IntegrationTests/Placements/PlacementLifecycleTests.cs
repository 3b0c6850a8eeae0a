namespace ControlPlane.IntegrationTests.Placements;

/// <summary>The end-to-end scenario, through the API and the real KubernetesClient against the emulator.</summary>
public sealed class PlacementLifecycleTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Ci_account_places_inference_and_training_the_cluster_runs_them_and_deleting_frees_everything()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("c1");
        await app.CreatePoolAsync("c1", GpuFleet.H100OnDemand());
        await app.CreatePoolAsync("c1", GpuFleet.A100SpotMig());
        var ci = await app.CreateTenantWithAccountAsync("acme", "developer");
        await app.SetQuotaAsync("acme", "gpu.h100", 16);
        await app.SetQuotaAsync("acme", "placements", 10);
        using var client = app.ClientWithToken(ci.Token);

        var created = await client.PostAsJsonAsync("/v1/tenants/acme/placements", new
        {
            name = "llm", kind = "inference", image = "registry.example/llm:1.0", replicas = new { min = 2, max = 4 },
            resources = new { gpuModel = "h100", gpusPerReplica = 1, cpu = "8", memory = "64Gi" }, priority = "high",
            interruptible = false, regions = new[] { "eu-north1" }, env = new Dictionary<string, string> { ["MODEL"] = "llm" },
        });
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var status = body.GetProperty("status");
        Assert.Equal("pending", status.GetProperty("phase").GetString());
        Assert.Equal("c1", status.GetProperty("cluster").GetString());
        Assert.Equal("h100-od", status.GetProperty("nodePool").GetString());
        var candidates = status.GetProperty("decision").GetProperty("candidates").EnumerateArray()
            .Where(c => c.GetProperty("cluster").GetString() == "c1").ToList();
        Assert.Equal(2, candidates.Count);
        var refused = candidates.Single(c => !c.GetProperty("accepted").GetBoolean());
        Assert.Equal("a100-spot", refused.GetProperty("nodePool").GetString());
        Assert.Equal("spot-not-allowed", refused.GetProperty("reasonCode").GetString());
        Assert.Contains("a100-spot", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var training = await client.PostAsJsonAsync("/v1/tenants/acme/placements", new
        {
            name = "finetune", kind = "training", image = "registry.example/train:2", replicas = new { min = 1 },
            resources = new { gpuModel = "h100", gpusPerReplica = 8 },
        });
        await training.ExpectAsync(HttpStatusCode.Created);

        // The reconciler writes the objects with server-side apply.
        var llm = await client.WaitForPlacementAsync("acme", "llm", p => p.Phase() == "applying"
            && emulator.Get("autoscaling/v2", "horizontalpodautoscalers", "t-acme", "llm") is not null);
        // min 2 < max 4: the Deployment leaves its replica count to a HorizontalPodAutoscaler.
        var deployment = emulator.Get("apps/v1", "deployments", "t-acme", "llm")!;
        Assert.Null(deployment["spec"]!["replicas"]);
        var autoscaler = emulator.Get("autoscaling/v2", "horizontalpodautoscalers", "t-acme", "llm")!;
        Assert.Equal(2, (int)autoscaler["spec"]!["minReplicas"]!);
        Assert.Equal(4, (int)autoscaler["spec"]!["maxReplicas"]!);
        Assert.Equal("Utilization", (string?)autoscaler["spec"]!["metrics"]![0]!["resource"]!["target"]!["type"]);
        Assert.NotNull(emulator.Get("v1", "namespaces", null, "t-acme"));
        Assert.NotNull(emulator.Get("v1", "resourcequotas", "t-acme", "controlplane-gpu"));
        await client.WaitForPlacementAsync("acme", "finetune", _ => emulator.Get("batch/v1", "jobs", "t-acme", "finetune") is not null);

        // The placement reports running when the cluster says so.
        emulator.MarkReady("acme", "llm", 2);
        llm = await client.WaitForPlacementAsync("acme", "llm", p => p.Phase() == "running");
        Assert.Equal(2, llm.GetProperty("status").GetProperty("readyReplicas").GetInt32());
        var phases = llm.GetProperty("status").GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("phase").GetString()).ToList();
        Assert.Equal(["pending", "applying", "running"], phases);

        // Quota use shows: reserved for llm's maximum (4 × 1) and finetune's 8.
        var quotas = await QuotasAsync(client);
        Assert.Equal(12, quotas["gpu.h100"]);
        Assert.Equal(2, quotas["placements"]);

        // Deleting frees it all once the cluster confirms.
        await (await client.DeleteAsync("/v1/tenants/acme/placements/llm")).ExpectAsync(HttpStatusCode.Accepted);
        await (await client.DeleteAsync("/v1/tenants/acme/placements/finetune")).ExpectAsync(HttpStatusCode.Accepted);
        await client.WaitForPlacementAsync("acme", "llm", p => p.Phase() == "terminated");
        await client.WaitForPlacementAsync("acme", "finetune", p => p.Phase() == "terminated");
        Assert.Null(emulator.Get("apps/v1", "deployments", "t-acme", "llm"));
        Assert.Null(emulator.Get("batch/v1", "jobs", "t-acme", "finetune"));
        quotas = await QuotasAsync(client);
        Assert.Equal(0, quotas["gpu.h100"]);
        Assert.Equal(0, quotas["placements"]);
        using var op = await app.OperatorClientAsync();
        var pool = await (await op.GetAsync("/v1/clusters/c1/node-pools/h100-od")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, pool.GetProperty("capacity").GetProperty("allocatedGpus").GetInt32());
    }

    [Fact]
    public async Task Mig_request_lands_on_the_spot_pool_only_when_interruptible()
    {
        await app.RegisterClusterAsync("c-mig");
        await app.CreatePoolAsync("c-mig", GpuFleet.A100SpotMig("a100-mig"));
        var ci = await app.CreateTenantWithAccountAsync("mig-tenant", "developer");
        await app.SetQuotaAsync("mig-tenant", "mig.1g.10gb", 14);
        await app.SetQuotaAsync("mig-tenant", "placements", 5);
        using var client = app.ClientWithToken(ci.Token);
        object Request(bool interruptible) => new
        {
            name = "small", kind = "inference", image = "img:1", replicas = new { min = 3 }, resources = new { migProfile = "1g.10gb" }, interruptible,
        };

        var refused = await (await client.PostAsJsonAsync("/v1/tenants/mig-tenant/placements", Request(false)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unschedulable");
        var reasons = refused.GetProperty("decision").GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("reasonCode").GetString());
        Assert.Contains("spot-not-allowed", reasons);

        var admitted = await (await client.PostAsJsonAsync("/v1/tenants/mig-tenant/placements", Request(true))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("a100-mig", admitted.GetProperty("status").GetProperty("nodePool").GetString());
        Assert.Equal(3, (await QuotasAsync(client, "mig-tenant"))["mig.1g.10gb"]);
    }

    private static async Task<Dictionary<string, long>> QuotasAsync(HttpClient client, string tenant = "acme")
    {
        var quotas = await (await client.GetAsync($"/v1/tenants/{tenant}/quotas")).ExpectAsync(HttpStatusCode.OK);
        return quotas.GetProperty("items").EnumerateArray().ToDictionary(q => q.GetProperty("resource").GetString()!, q => q.GetProperty("used").GetInt64());
    }
}
