using ControlPlane.KubernetesEmulator;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>Registers emulated clusters and node pools through the API, as an operator would.</summary>
public static class GpuFleet
{
    /// <summary>
    /// A cluster pointing at the class's emulator (http is accepted in Development only). The emulated cluster's
    /// administrator has installed the sandbox runtimes the pools declare (RuntimeClasses kata and gvisor); registration
    /// applies the control plane's PriorityClasses, as on a real cluster.
    /// </summary>
    /// <param name="acceptWorkloadTokens">
    /// Let registration discover the emulator's service-account issuer, so its pods may exchange tokens (one cluster per
    /// emulator: an issuer identifies one cluster); otherwise the cluster is registered without one.
    /// </param>
    public static async Task RegisterClusterAsync(this ControlPlaneApp app, string name, string region = "eu-north1", string? dedicatedTenant = null,
        bool acceptWorkloadTokens = false)
    {
        var emulator = await app.EmulatorAsync();
        emulator.PutRuntimeClass("kata", "kata-qemu");
        emulator.PutRuntimeClass("gvisor", "runsc");
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/clusters", new
        {
            name, region, apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = emulator.BearerToken, dedicatedTenant,
            serviceAccountIssuer = acceptWorkloadTokens ? null : "",
        })).ExpectAsync(HttpStatusCode.Created);
    }

    public static async Task CreatePoolAsync(this ControlPlaneApp app, string cluster, object pool)
    {
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync($"/v1/clusters/{cluster}/node-pools", pool)).ExpectAsync(HttpStatusCode.Created);
    }

    /// <summary>On-demand H100 pool: 4 nodes × 8 GPUs, tainted, for inference and training.</summary>
    public static object H100OnDemand(string name = "h100-od", int nodeCount = 4, decimal price = 2.95m, string[]? runtimeClasses = null,
        string? dedicatedTenant = null) => new
    {
        name, gpuModel = "h100", gpuMemoryGiB = 80, gpusPerNode = 8, nodeCount, migProfiles = Array.Empty<object>(),
        capacityType = "on-demand", purposes = new[] { "inference", "training" },
        taints = new[] { new { key = "gpu", value = "h100", effect = "NoSchedule" } },
        labels = new Dictionary<string, string> { ["accelerator"] = "h100", ["pool"] = name },
        runtimeClasses = runtimeClasses ?? [], dedicatedTenant, pricePerGpuHour = price,
    };

    /// <summary>Spot A100 pool with MIG 1g.10gb (7 slices per GPU): 2 nodes × 8 GPUs.</summary>
    public static object A100SpotMig(string name = "a100-spot", int nodeCount = 2) => new
    {
        name, gpuModel = "a100", gpuMemoryGiB = 80, gpusPerNode = 8, nodeCount,
        migProfiles = new[] { new { profile = "1g.10gb", perGpu = 7 } },
        capacityType = "spot", purposes = new[] { "inference", "batch" },
        taints = new[] { new { key = "gpu", value = "a100", effect = "NoSchedule" } },
        labels = new Dictionary<string, string> { ["accelerator"] = "a100", ["pool"] = name },
        runtimeClasses = Array.Empty<string>(), pricePerGpuHour = 1.10m,
    };

    /// <summary>The smallest inference placement request: one replica on one H100.</summary>
    public static object OneH100Inference(string name) => new
    {
        name, kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
    };

    /// <summary>Restricts a tenant to one region, so tests sharing a database only see their own cluster.</summary>
    public static async Task RestrictToRegionAsync(this ControlPlaneApp app, string tenant, string region)
    {
        using var op = await app.OperatorClientAsync();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tenants/{tenant}") { Content = JsonContent.Create(new { allowedRegions = new[] { region } }) };
        await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
    }

    public static async Task SetQuotaAsync(this ControlPlaneApp app, string tenant, string resource, long limit)
    {
        using var op = await app.OperatorClientAsync();
        await (await op.PutAsJsonAsync($"/v1/tenants/{tenant}/quotas/{resource}", new { limit })).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>Polls a placement until <paramref name="done"/> holds (the reconciler and observer run in the background).</summary>
    public static Task<System.Text.Json.JsonElement> WaitForPlacementAsync(this HttpClient client, string tenant, string name,
        Func<System.Text.Json.JsonElement, bool> done, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(
            async () => await (await client.GetAsync($"/v1/tenants/{tenant}/placements/{name}")).ExpectAsync(HttpStatusCode.OK),
            done, $"placement {tenant}/{name} reaching the expected state", timeout);

    public static string Phase(this System.Text.Json.JsonElement placement) => placement.GetProperty("status").GetProperty("phase").GetString()!;

    /// <summary>Marks every replica of an inference placement ready, as the cluster would once pods start.</summary>
    public static void MarkReady(this KubernetesApiEmulator emulator, string tenant, string placement, int replicas) =>
        emulator.SetDeploymentReadyReplicas("t-" + tenant, placement, replicas);
}
