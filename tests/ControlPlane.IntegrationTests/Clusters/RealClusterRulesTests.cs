using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.KubernetesEmulator;

namespace ControlPlane.IntegrationTests.Clusters;

/// <summary>The periodic capacity sync is off (tests sync explicitly), so cluster drift stays until a test repairs it.</summary>
public sealed class ExplicitSyncApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["Clusters:SyncInterval"] = "01:00:00" };
}

/// <summary>
/// What a real API server demands of what the control plane applies, on the strict emulator: PriorityClasses that exist,
/// RuntimeClasses that exist, Pod Security restricted, and the cluster's reasons reaching the placement.
/// </summary>
public sealed class RealClusterRulesTests(ExplicitSyncApp app) : IClassFixture<ExplicitSyncApp>
{
    [Fact]
    public async Task New_credentials_in_a_PATCH_discover_the_issuer_again_unless_the_operator_names_one()
    {
        var first = await app.EmulatorAsync();
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/clusters", new
        {
            name = "moved-c", region = "moved-r", apiServerUrl = first.BaseAddress.ToString(), bearerToken = first.BearerToken, serviceAccountIssuer = "",
        })).ExpectAsync(HttpStatusCode.Created);
        await using var moved = await KubernetesApiEmulator.StartAsync(new EmulatorOptions { ServiceAccountIssuer = "https://oidc.moved.example" });

        var patched = await (await op.PatchAsJsonAsync("/v1/clusters/moved-c", new { apiServerUrl = moved.BaseAddress.ToString(), bearerToken = moved.BearerToken }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://oidc.moved.example", patched.GetProperty("serviceAccountIssuer").GetString());
        Assert.Equal(4, moved.List("scheduling.k8s.io/v1", "priorityclasses", null).Count(pc => ((string?)pc["metadata"]!["name"])!.StartsWith("controlplane-", StringComparison.Ordinal)));

        // A PATCH without credentials leaves the issuer; one that names the issuer (or none) is taken as it is.
        var renamed = await (await op.PatchAsJsonAsync("/v1/clusters/moved-c", new { region = "moved-r2" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://oidc.moved.example", renamed.GetProperty("serviceAccountIssuer").GetString());
        var cleared = await (await op.PatchAsJsonAsync("/v1/clusters/moved-c", new { apiServerUrl = moved.BaseAddress.ToString(), bearerToken = moved.BearerToken, serviceAccountIssuer = "" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleared.GetProperty("serviceAccountIssuer").ValueKind);
    }

    [Fact]
    public async Task Registration_applies_the_priority_classes_and_discovers_the_issuer_and_sync_repairs_drift()
    {
        var emulator = await app.EmulatorAsync();
        using var op = await app.OperatorClientAsync();
        var registered = await (await op.PostAsJsonAsync("/v1/clusters", new
        {
            name = "discovered-c", region = "disc-r", apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = emulator.BearerToken,
        })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(emulator.ServiceAccountIssuer, registered.GetProperty("serviceAccountIssuer").GetString());
        Assert.Equal(
            [("controlplane-critical", 1_000_000L, "PreemptLowerPriority"), ("controlplane-high", 100_000L, "PreemptLowerPriority"),
             ("controlplane-low", 1_000L, "Never"), ("controlplane-normal", 10_000L, "PreemptLowerPriority")],
            PriorityClasses(emulator));

        // Someone deletes one class and re-creates another with a different (immutable) value: the next sync restores both.
        emulator.Delete("scheduling.k8s.io/v1", "priorityclasses", null, "controlplane-high");
        emulator.Modify("scheduling.k8s.io/v1", "priorityclasses", null, "controlplane-low", pc => pc["value"] = 5);
        await (await op.PostAsync("/v1/clusters/discovered-c/sync", null)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(
            [("controlplane-critical", 1_000_000L, "PreemptLowerPriority"), ("controlplane-high", 100_000L, "PreemptLowerPriority"),
             ("controlplane-low", 1_000L, "Never"), ("controlplane-normal", 10_000L, "PreemptLowerPriority")],
            PriorityClasses(emulator));
    }

    [Fact]
    public async Task A_pool_whose_runtime_class_the_cluster_lacks_is_unschedulable_never_chosen_and_says_why()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("rc-c", region: "rc-r");
        await app.CreatePoolAsync("rc-c", GpuFleet.H100OnDemand("kata-gpu", price: 2.00m, runtimeClasses: ["kata-qemu-nvidia-gpu"]));
        await app.CreatePoolAsync("rc-c", GpuFleet.H100OnDemand("gvisor-gpu", price: 5.00m, runtimeClasses: ["gvisor"]));
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsync("/v1/clusters/rc-c/sync", null)).ExpectAsync(HttpStatusCode.OK);
        var client = await StrongTenantAsync("rc-t", "rc-r");

        var pool = await (await op.GetAsync("/v1/clusters/rc-c/node-pools/kata-gpu")).ExpectAsync(HttpStatusCode.OK);
        var preview = await PreviewAsync(client, "rc-t");
        emulator.PutRuntimeClass("kata-qemu-nvidia-gpu", "kata-qemu-nvidia-gpu");
        await (await op.PostAsync("/v1/clusters/rc-c/sync", null)).ExpectAsync(HttpStatusCode.OK);
        var repaired = await (await op.GetAsync("/v1/clusters/rc-c/node-pools/kata-gpu")).ExpectAsync(HttpStatusCode.OK);
        var afterInstall = await PreviewAsync(client, "rc-t");

        Assert.Equal("unschedulable", pool.GetProperty("status").GetProperty("state").GetString());
        Assert.Contains("kata-qemu-nvidia-gpu", pool.GetProperty("status").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("gvisor-gpu", preview.GetProperty("decision").GetProperty("nodePool").GetString());
        var refused = preview.GetProperty("decision").GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("nodePool").GetString() == "kata-gpu");
        Assert.Equal("runtime-class-missing", refused.GetProperty("reasonCode").GetString());
        Assert.Contains("kata-qemu-nvidia-gpu", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("schedulable", repaired.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("kata-gpu", afterInstall.GetProperty("decision").GetProperty("nodePool").GetString());
        Assert.Equal("kata-qemu-nvidia-gpu", afterInstall.GetProperty("decision").GetProperty("runtimeClass").GetString());
    }

    [Fact]
    public async Task A_strong_tenants_placement_passes_pod_security_restricted_and_runs_with_its_autoscaler()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("hpa-c", region: "hpa-r");
        await app.CreatePoolAsync("hpa-c", GpuFleet.H100OnDemand("hpa-kata", runtimeClasses: ["kata"]));
        var client = await StrongTenantAsync("hpa-t", "hpa-r");

        var created = await (await client.PostAsJsonAsync("/v1/tenants/hpa-t/placements", new
        {
            name = "chat", kind = "inference", image = "registry.example/chat:1", replicas = new { min = 1, max = 3 },
            resources = new { gpuModel = "h100", gpusPerReplica = 1 }, priority = "high",
            autoscaling = new { metric = "pods-metric", metricName = "inference_queue_length", targetAverageValue = "10" },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync("hpa-t", "chat", _ => emulator.Get("autoscaling/v2", "horizontalpodautoscalers", "t-hpa-t", "chat") is not null);
        emulator.MarkReady("hpa-t", "chat", 1);
        var running = await client.WaitForPlacementAsync("hpa-t", "chat", p => p.Phase() == "running");

        Assert.Equal("restricted", (string?)emulator.Get("v1", "namespaces", null, "t-hpa-t")!["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]);
        Assert.Equal("pods-metric", created.GetProperty("spec").GetProperty("autoscaling").GetProperty("metric").GetString());
        var autoscaler = emulator.Get("autoscaling/v2", "horizontalpodautoscalers", "t-hpa-t", "chat")!["spec"]!;
        Assert.Equal(1, (int)autoscaler["minReplicas"]!);
        Assert.Equal(3, (int)autoscaler["maxReplicas"]!);
        Assert.Equal("inference_queue_length", (string?)autoscaler["metrics"]![0]!["pods"]!["metric"]!["name"]);
        Assert.Equal("10", (string?)autoscaler["metrics"]![0]!["pods"]!["target"]!["averageValue"]);
        Assert.Equal(1, running.GetProperty("status").GetProperty("readyReplicas").GetInt32());
        Assert.Equal("kata", running.GetProperty("status").GetProperty("runtimeClass").GetString());
        Assert.Equal(3, await UsedGpusAsync(client, "hpa-t")); // reserved for the maximum
        Assert.NotNull(emulator.Get("networking.k8s.io/v1", "networkpolicies", "t-hpa-t", "allow-controlplane"));
    }

    [Fact]
    public async Task A_refused_pod_template_shows_the_clusters_reason_and_the_placement_recovers_when_the_cause_is_removed()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("fail-c", region: "fail-r");
        await app.CreatePoolAsync("fail-c", GpuFleet.H100OnDemand("fail-pool"));
        var client = await TenantAsync("fail-t", "soft", "fail-r");
        emulator.Delete("scheduling.k8s.io/v1", "priorityclasses", null, "controlplane-high");

        await (await client.PostAsJsonAsync("/v1/tenants/fail-t/placements", new
        {
            name = "llm", kind = "inference", image = "registry.example/llm:1", replicas = new { min = 2 },
            resources = new { gpuModel = "h100", gpusPerReplica = 1 }, priority = "high",
        })).ExpectAsync(HttpStatusCode.Created);
        var degraded = await client.WaitForPlacementAsync("fail-t", "llm", p => p.Phase() == "degraded");
        emulator.MarkReady("fail-t", "llm", 2); // the kubelet cannot make pods ready that admission refused
        using (var op = await app.OperatorClientAsync())
        {
            await (await op.PostAsync("/v1/clusters/fail-c/sync", null)).ExpectAsync(HttpStatusCode.OK); // puts the class back
        }

        emulator.MarkReady("fail-t", "llm", 2);
        var recovered = await client.WaitForPlacementAsync("fail-t", "llm", p => p.Phase() == "running");

        var reason = degraded.GetProperty("status").GetProperty("message").GetString();
        Assert.Matches("^FailedCreate: pods \"llm-[0-9a-f]+-\" is forbidden: no PriorityClass with name controlplane-high was found$", reason);
        Assert.Equal(["pending", "applying", "degraded", "running"], Phases(recovered));
        Assert.Contains(Transitions(recovered), t => t.Phase == "degraded" && t.Message == reason);
        Assert.Equal("2 of 2 replicas ready", recovered.GetProperty("status").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_pod_stuck_pulling_its_image_degrades_the_placement_with_the_pods_reason_until_it_is_gone()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("pull-c", region: "pull-r");
        await app.CreatePoolAsync("pull-c", GpuFleet.H100OnDemand("pull-pool"));
        var client = await TenantAsync("pull-t", "soft", "pull-r");
        await (await client.PostAsJsonAsync("/v1/tenants/pull-t/placements", new
        {
            name = "svc", kind = "inference", image = "registry.example/missing:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync("pull-t", "svc", p => p.Phase() == "applying" && emulator.Get("apps/v1", "deployments", "t-pull-t", "svc") is not null);

        emulator.Put(StuckPod("t-pull-t", "svc-7d9f-abcde", tenant: "pull-t", placement: "svc"));
        var degraded = await client.WaitForPlacementAsync("pull-t", "svc", p => p.Phase() == "degraded");
        emulator.Delete("v1", "pods", "t-pull-t", "svc-7d9f-abcde");
        emulator.MarkReady("pull-t", "svc", 1);
        var running = await client.WaitForPlacementAsync("pull-t", "svc", p => p.Phase() == "running");

        const string reason = "ImagePullBackOff: pod svc-7d9f-abcde container main: Back-off pulling image \"registry.example/missing:1\"";
        Assert.Equal(reason, degraded.GetProperty("status").GetProperty("message").GetString());
        Assert.Contains(Transitions(running), t => t.Phase == "degraded" && t.Message == reason);
        Assert.Equal(["pending", "applying", "degraded", "running"], Phases(running));
    }

    [Fact]
    public async Task Cordoned_and_not_ready_nodes_do_not_count_as_capacity()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("nodes-c", region: "nodes-r");
        await app.CreatePoolAsync("nodes-c", GpuFleet.H100OnDemand("nodes-pool", nodeCount: 1));
        var labels = new Dictionary<string, string> { ["accelerator"] = "h100", ["pool"] = "nodes-pool" };
        var gpus = new Dictionary<string, string> { ["nvidia.com/gpu"] = "8" };
        emulator.PutNode("nodes-ready-1", gpus, labels);
        emulator.PutNode("nodes-ready-2", gpus, labels);
        emulator.PutNode("nodes-cordoned", gpus, labels, cordoned: true);
        emulator.PutNode("nodes-not-ready", gpus, labels, ready: false);
        using var op = await app.OperatorClientAsync();

        await (await op.PostAsync("/v1/clusters/nodes-c/sync", null)).ExpectAsync(HttpStatusCode.OK);
        var pool = await (await op.GetAsync("/v1/clusters/nodes-c/node-pools/nodes-pool")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, pool.GetProperty("nodeCount").GetInt32());
        Assert.Equal(16, pool.GetProperty("capacity").GetProperty("totalGpus").GetInt32());
    }

    private static List<(string, long, string)> PriorityClasses(KubernetesApiEmulator emulator) =>
        [.. emulator.List("scheduling.k8s.io/v1", "priorityclasses")
            .Where(pc => ((string)pc["metadata"]!["name"]!).StartsWith("controlplane-", StringComparison.Ordinal))
            .Select(pc => ((string)pc["metadata"]!["name"]!, (long)pc["value"]!, (string)pc["preemptionPolicy"]!))];

    private static List<(string? Phase, string? Message)> Transitions(JsonElement placement) =>
        [.. placement.GetProperty("status").GetProperty("transitions").EnumerateArray()
            .Select(t => (t.GetProperty("phase").GetString(), t.TryGetProperty("message", out var m) ? m.GetString() : null))];

    /// <summary>The phases entered, in order. A degraded placement whose reason changes gets another degraded transition; one is kept here.</summary>
    private static List<string?> Phases(JsonElement placement)
    {
        var phases = Transitions(placement).Select(t => t.Phase).ToList();
        return [.. phases.Where((phase, i) => i == 0 || phase != phases[i - 1])];
    }

    private static JsonObject StuckPod(string ns, string name, string tenant, string placement) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = new JsonObject
            {
                ["app.kubernetes.io/managed-by"] = "controlplane", ["controlplane.io/tenant"] = tenant, ["controlplane.io/placement"] = placement,
            },
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "registry.example/missing:1" }) },
        ["status"] = new JsonObject
        {
            ["phase"] = "Pending",
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "main",
                ["ready"] = false,
                ["restartCount"] = 0,
                ["image"] = "registry.example/missing:1",
                ["imageID"] = "",
                ["state"] = new JsonObject
                {
                    ["waiting"] = new JsonObject { ["reason"] = "ImagePullBackOff", ["message"] = "Back-off pulling image \"registry.example/missing:1\"" },
                },
            }),
        },
    };

    private Task<HttpClient> StrongTenantAsync(string tenant, string region) => TenantAsync(tenant, "strong", region);

    private async Task<HttpClient> TenantAsync(string tenant, string tier, string region)
    {
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        using (var op = await app.OperatorClientAsync())
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/tenants/{tenant}")
            {
                Content = JsonContent.Create(new { isolationTier = tier, allowedRegions = new[] { region } }),
            };
            await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
        }

        await app.SetQuotaAsync(tenant, "gpu.h100", 16);
        await app.SetQuotaAsync(tenant, "placements", 4);
        return app.ClientWithToken(ci.Token);
    }

    private static async Task<JsonElement> PreviewAsync(HttpClient client, string tenant) =>
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements:preview", new
        {
            name = "probe", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.OK);

    private static async Task<long> UsedGpusAsync(HttpClient client, string tenant)
    {
        var quotas = await (await client.GetAsync($"/v1/tenants/{tenant}/quotas")).ExpectAsync(HttpStatusCode.OK);
        return quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "gpu.h100").GetProperty("used").GetInt64();
    }
}
