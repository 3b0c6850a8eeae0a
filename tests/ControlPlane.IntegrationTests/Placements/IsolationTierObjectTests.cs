using System.Text.Json.Nodes;

namespace ControlPlane.IntegrationTests.Placements;

/// <summary>For each isolation tier and pool kind, the objects in the cluster carry exactly what the pool and tier demand.</summary>
public sealed class IsolationTierObjectTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Soft_tenant_on_an_on_demand_pool()
    {
        await app.RegisterClusterAsync("soft-c", region: "soft-r");
        await app.CreatePoolAsync("soft-c", GpuFleet.H100OnDemand("soft-pool"));
        var pod = await PlaceAsync("soft-t", "soft", "soft-r", new { gpuModel = "h100", gpusPerReplica = 2 }, interruptible: false, priority: "critical");

        Assert.Equal(new Dictionary<string, string> { ["accelerator"] = "h100", ["pool"] = "soft-pool" }, NodeSelector(pod));
        Assert.Equal([("gpu", "h100", "NoSchedule")], Tolerations(pod));
        Assert.Null(pod["runtimeClassName"]);
        Assert.Equal("controlplane-critical", (string?)pod["priorityClassName"]);
        Assert.Equal("2", Limits(pod)["nvidia.com/gpu"]);
        Assert.False(Limits(pod).ContainsKey("nvidia.com/mig-1g.10gb"));
    }

    [Fact]
    public async Task Strong_tenant_gets_the_sandbox_runtime_of_a_pool_reserved_for_strong_isolation()
    {
        await app.RegisterClusterAsync("strong-c", region: "strong-r");
        await app.CreatePoolAsync("strong-c", GpuFleet.H100OnDemand("shared-h100"));
        await app.CreatePoolAsync("strong-c", GpuFleet.H100OnDemand("kata-h100", price: 3.50m, runtimeClasses: ["kata"]));
        var pod = await PlaceAsync("strong-t", "strong", "strong-r", new { gpuModel = "h100", gpusPerReplica = 1 }, interruptible: false);

        Assert.Equal("kata", (string?)pod["runtimeClassName"]);
        Assert.Equal("kata-h100", NodeSelector(pod)["pool"]);
        Assert.Equal("controlplane-normal", (string?)pod["priorityClassName"]);
        Assert.Equal("1", Limits(pod)["nvidia.com/gpu"]);
    }

    [Fact]
    public async Task Physical_tenant_lands_only_on_its_dedicated_cluster()
    {
        await app.CreateTenantWithAccountAsync("phys-t", "developer");
        await app.RegisterClusterAsync("shared-c", region: "phys-r");
        await app.CreatePoolAsync("shared-c", GpuFleet.H100OnDemand("cheap-shared", price: 1.00m));
        await app.RegisterClusterAsync("dedicated-c", region: "phys-r", dedicatedTenant: "phys-t");
        await app.CreatePoolAsync("dedicated-c", GpuFleet.H100OnDemand("dedicated-pool", price: 4.00m));
        var pod = await PlaceAsync("phys-t", "physical", "phys-r", new { gpuModel = "h100", gpusPerReplica = 8 }, interruptible: false, existing: true);

        Assert.Equal("dedicated-pool", NodeSelector(pod)["pool"]);
        Assert.Equal("8", Limits(pod)["nvidia.com/gpu"]);
        Assert.Null(pod["runtimeClassName"]);
    }

    [Fact]
    public async Task Interruptible_mig_request_on_a_spot_pool_gets_the_slice_limit_spot_toleration_and_label()
    {
        await app.RegisterClusterAsync("spot-c", region: "spot-r");
        await app.CreatePoolAsync("spot-c", GpuFleet.A100SpotMig("spot-pool"));
        var (pod, labels) = await PlaceWithLabelsAsync("spot-t", "soft", "spot-r", new { migProfile = "1g.10gb" }, interruptible: true);

        Assert.Equal("1", Limits(pod)["nvidia.com/mig-1g.10gb"]);
        Assert.False(Limits(pod).ContainsKey("nvidia.com/gpu"));
        Assert.Contains(("gpu", "a100", "NoSchedule"), Tolerations(pod));
        Assert.Contains(Tolerations(pod), t => t.Key == "controlplane.io/capacity-type" && t.Value == "spot");
        Assert.Equal("true", labels["controlplane.io/interruptible"]);
        Assert.Equal("controlplane", labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("spot-t", labels["controlplane.io/tenant"]);
    }

    private async Task<JsonObject> PlaceAsync(string tenant, string tier, string region, object resources, bool interruptible,
        string priority = "normal", bool existing = false) =>
        (await PlaceWithLabelsAsync(tenant, tier, region, resources, interruptible, priority, existing)).Pod;

    private async Task<(JsonObject Pod, Dictionary<string, string> Labels)> PlaceWithLabelsAsync(string tenant, string tier, string region,
        object resources, bool interruptible, string priority = "normal", bool existing = false)
    {
        var emulator = await app.EmulatorAsync();
        var ci = existing ? await app.CreateAccountAsync(tenant, "deployer", "developer") : await app.CreateTenantWithAccountAsync(tenant, "developer");
        using (var op = await app.OperatorClientAsync())
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tenants/{tenant}")
            {
                Content = JsonContent.Create(new { isolationTier = tier, allowedRegions = new[] { region } }),
            };
            await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
        }

        await app.SetQuotaAsync(tenant, "gpu.h100", 16);
        await app.SetQuotaAsync(tenant, "mig.1g.10gb", 16);
        await app.SetQuotaAsync(tenant, "placements", 4);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", new
        {
            name = "svc", kind = "inference", image = "img:1", resources, interruptible, priority,
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync(tenant, "svc", _ => emulator.Get("apps/v1", "deployments", $"t-{tenant}", "svc") is not null);
        var template = emulator.Get("apps/v1", "deployments", $"t-{tenant}", "svc")!["spec"]!["template"]!;
        var labels = template["metadata"]!["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!);
        return (template["spec"]!.AsObject(), labels);
    }

    private static Dictionary<string, string> NodeSelector(JsonObject pod) =>
        pod["nodeSelector"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!);

    private static List<(string Key, string? Value, string Effect)> Tolerations(JsonObject pod) =>
        [.. pod["tolerations"]!.AsArray().Select(t => ((string)t!["key"]!, (string?)t["value"], (string)t["effect"]!))];

    private static Dictionary<string, string> Limits(JsonObject pod) =>
        pod["containers"]![0]!["resources"]!["limits"]!.AsObject().ToDictionary(l => l.Key, l => l.Value!.ToString());
}
