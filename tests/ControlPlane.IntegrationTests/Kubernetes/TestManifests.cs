using ControlPlane.Application.Clusters;
using ControlPlane.Domain.Tenants;

namespace ControlPlane.IntegrationTests.Kubernetes;

/// <summary>Baselines and placement manifests as the reconciler would build them, with overridable parts.</summary>
internal static class TestManifests
{
    public const string Tenant = "acme";
    public const string Namespace = "t-acme";

    public static TenantBaseline Baseline(IsolationTier tier = IsolationTier.Strong, params string[] objectStoreCidrs) =>
        new(Tenant, tier, new Dictionary<string, long> { ["nvidia.com/gpu"] = 8, ["nvidia.com/mig-1g.10gb"] = 14 }, objectStoreCidrs);

    /// <summary>A strong-tier inference placement on a spot MIG pool.</summary>
    public static PlacementManifest Inference(string name = "chat", ModelPullWiring? modelPull = null) => new(
        Tenant, name, Guid.Parse("6f1c2f7e-2b7a-4c55-9d0e-0d9f2b9a1c11"), PlacementWorkloadKind.Deployment,
        Image: "registry.example.com/serve:1.4",
        Command: ["python", "-m", "serve"],
        Args: ["--port", "8080"],
        Env: new Dictionary<string, string> { ["LOG_LEVEL"] = "info", ["BATCH_SIZE"] = "8" },
        Replicas: 2,
        GpuResourceName: "nvidia.com/mig-1g.10gb",
        GpusPerReplica: 1,
        Cpu: "4",
        Memory: "16Gi",
        PriorityClassName: "controlplane-normal",
        RuntimeClassName: "gvisor",
        NodeSelector: new Dictionary<string, string> { ["controlplane.io/node-pool"] = "h100-mig-spot" },
        Tolerations: [new PlacementToleration("controlplane.io/dedicated", "strong", "NoSchedule"), new PlacementToleration("nvidia.com/gpu", null, "NoSchedule")],
        Interruptible: true,
        ModelPull: modelPull);

    /// <summary>A soft-tier training placement on 8 full GPUs, on-demand.</summary>
    public static PlacementManifest Training(string name = "finetune") => new(
        Tenant, name, Guid.Parse("0b7d9a44-51f2-4bb1-8a8e-43a5f9d2e7c3"), PlacementWorkloadKind.Job,
        Image: "registry.example.com/train:2.0",
        Command: [],
        Args: ["--epochs", "3"],
        Env: new Dictionary<string, string>(),
        Replicas: 1,
        GpuResourceName: "nvidia.com/gpu",
        GpusPerReplica: 8,
        Cpu: null,
        Memory: null,
        PriorityClassName: "controlplane-high",
        RuntimeClassName: null,
        NodeSelector: new Dictionary<string, string> { ["controlplane.io/node-pool"] = "h100-train" },
        Tolerations: [],
        Interruptible: false,
        ModelPull: null);

    public static ModelPullWiring ModelPull { get; } = new(
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "https://controlplane.example.com/connect/token", "controlplane-model-pull");
}
