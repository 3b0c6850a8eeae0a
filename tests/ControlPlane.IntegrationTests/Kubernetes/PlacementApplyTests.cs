using System.Text.Json.Nodes;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.IntegrationTests.Kubernetes;

public sealed class PlacementApplyTests : GatewayTestBase
{
    private const string Ns = TestManifests.Namespace;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Gateway.ApplyTenantBaselineAsync(Connection, TestManifests.Baseline(IsolationTier.Strong), CancellationToken.None);
    }

    [Fact]
    public async Task Strong_tier_spot_MIG_inference_becomes_a_Deployment_pinned_to_its_pool()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(), CancellationToken.None);

        var deployment = Emulator.Get("apps/v1", "deployments", Ns, "chat")!;
        Assert.Equal(2, (int?)deployment["spec"]!["replicas"]);
        Assert.Equal("chat", (string?)deployment["spec"]!["selector"]!["matchLabels"]!["controlplane.io/placement"]);
        var template = deployment["spec"]!["template"]!;
        Assert.Equal("true", (string?)template["metadata"]!["labels"]!["controlplane.io/interruptible"]);
        Assert.Equal("chat", (string?)template["metadata"]!["labels"]!["controlplane.io/placement"]);

        var pod = template["spec"]!;
        Assert.Equal("h100-mig-spot", (string?)pod["nodeSelector"]!["controlplane.io/node-pool"]);
        Assert.Equal("gvisor", (string?)pod["runtimeClassName"]);
        Assert.Equal("controlplane-normal", (string?)pod["priorityClassName"]);
        Assert.False((bool?)pod["automountServiceAccountToken"]);
        Assert.Equal(
            ["controlplane.io/dedicated Equal strong NoSchedule", "nvidia.com/gpu Exists  NoSchedule", "controlplane.io/capacity-type Equal spot NoSchedule"],
            pod["tolerations"]!.AsArray().Select(t => $"{t!["key"]} {t["operator"]} {t["value"]} {t["effect"]}"));

        var container = pod["containers"]![0]!;
        Assert.Equal("main", (string?)container["name"]);
        Assert.Equal("registry.example.com/serve:1.4", (string?)container["image"]);
        Assert.Equal("1", (string?)container["resources"]!["limits"]!["nvidia.com/mig-1g.10gb"]);
        Assert.Equal("1", (string?)container["resources"]!["requests"]!["nvidia.com/mig-1g.10gb"]);
        Assert.Equal("4", (string?)container["resources"]!["limits"]!["cpu"]);
        Assert.Equal("16Gi", (string?)container["resources"]!["requests"]!["memory"]);
        Assert.False((bool?)container["securityContext"]!["allowPrivilegeEscalation"]);
        Assert.Equal(["BATCH_SIZE", "LOG_LEVEL"], container["env"]!.AsArray().Select(e => (string?)e!["name"]));

        var service = Emulator.Get("v1", "services", Ns, "chat")!;
        Assert.Equal("ClusterIP", (string?)service["spec"]!["type"]);
        Assert.Equal(80, (int?)service["spec"]!["ports"]![0]!["port"]);
        Assert.Equal(8080, (int?)service["spec"]!["ports"]![0]!["targetPort"]);
        Assert.Equal("chat", (string?)service["spec"]!["selector"]!["controlplane.io/placement"]);
        Assert.Equal("acme", (string?)service["metadata"]!["labels"]!["controlplane.io/tenant"]);
    }

    [Fact]
    public async Task Training_with_8_GPUs_becomes_a_Job_that_never_restarts_pods()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Training(), CancellationToken.None);

        var job = Emulator.Get("batch/v1", "jobs", Ns, "finetune")!;
        Assert.Equal(3, (int?)job["spec"]!["backoffLimit"]);
        Assert.Equal(1, (int?)job["spec"]!["parallelism"]);
        Assert.Equal(1, (int?)job["spec"]!["completions"]);
        var pod = job["spec"]!["template"]!["spec"]!;
        Assert.Equal("Never", (string?)pod["restartPolicy"]);
        Assert.Null(pod["runtimeClassName"]);
        Assert.Null(pod["tolerations"]);
        Assert.Equal("8", (string?)pod["containers"]![0]!["resources"]!["limits"]!["nvidia.com/gpu"]);
        Assert.Equal("8", (string?)pod["containers"]![0]!["resources"]!["requests"]!["nvidia.com/gpu"]);
        Assert.Null(job["spec"]!["template"]!["metadata"]!["labels"]!["controlplane.io/interruptible"]);
        Assert.Empty(Emulator.List("apps/v1", "deployments", Ns));
        Assert.Empty(Emulator.List("v1", "services", Ns));
    }

    [Fact]
    public async Task Model_pull_wiring_projects_an_audience_bound_token_and_tells_the_container_where_it_is()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(modelPull: TestManifests.ModelPull), CancellationToken.None);

        var pod = Emulator.Get("apps/v1", "deployments", Ns, "chat")!["spec"]!["template"]!["spec"]!;
        var volume = pod["volumes"]!.AsArray().Single()!;
        Assert.Equal("model-pull-token", (string?)volume["name"]);
        var token = volume["projected"]!["sources"]![0]!["serviceAccountToken"]!;
        Assert.Equal("controlplane-model-pull", (string?)token["audience"]);
        Assert.Equal(600, (int?)token["expirationSeconds"]);
        Assert.Equal("token", (string?)token["path"]);

        var container = pod["containers"]![0]!;
        var mount = container["volumeMounts"]!.AsArray().Single()!;
        Assert.Equal("/var/run/secrets/controlplane", (string?)mount["mountPath"]);
        Assert.True((bool?)mount["readOnly"]);
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal(TestManifests.ModelPull.Digest, env["CONTROLPLANE_MODEL_DIGEST"]);
        Assert.Equal("https://controlplane.example.com/connect/token", env["CONTROLPLANE_TOKEN_ENDPOINT"]);
        Assert.Equal("/var/run/secrets/controlplane/token", env["CONTROLPLANE_TOKEN_PATH"]);
    }

    [Fact]
    public async Task Reapplying_an_unchanged_placement_changes_nothing_and_a_changed_one_updates_in_place()
    {
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(), CancellationToken.None);
        var first = Version(Emulator.Get("apps/v1", "deployments", Ns, "chat")!);

        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference(), CancellationToken.None);
        var unchanged = Version(Emulator.Get("apps/v1", "deployments", Ns, "chat")!);
        await Gateway.ApplyPlacementAsync(Connection, TestManifests.Inference() with { Replicas = 3 }, CancellationToken.None);
        var scaled = Emulator.Get("apps/v1", "deployments", Ns, "chat")!;

        Assert.Equal(first, unchanged);
        Assert.NotEqual(first, Version(scaled));
        Assert.Equal(3, (int?)scaled["spec"]!["replicas"]);
    }

    private static string? Version(JsonObject obj) => (string?)obj["metadata"]!["resourceVersion"];
}
