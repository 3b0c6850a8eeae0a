using k8s;

namespace ControlPlane.IntegrationTests.Placements;

/// <summary>Runs only where a real cluster is at hand; otherwise xunit reports the scenarios as skipped (not run), with the reason.</summary>
public sealed class RealClusterFactAttribute : FactAttribute
{
    public const string Variable = "CONTROLPLANE_TEST_KUBECONFIG";

    public RealClusterFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set: the real-cluster scenarios did not run (the emulator suites cover them).";
        }
    }
}

/// <summary>The end-to-end scenario against a real Kubernetes cluster, given as a kubeconfig file path.</summary>
public sealed class RealClusterTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [RealClusterFact]
    public async Task Placement_is_applied_to_a_real_cluster_and_removed_again()
    {
        var kubeconfigPath = Environment.GetEnvironmentVariable(RealClusterFactAttribute.Variable)!;
        var tenant = "rc" + Guid.NewGuid().ToString("N")[..8];
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/clusters", new { name = "real", region = "real-region", kubeconfig = await File.ReadAllTextAsync(kubeconfigPath) }))
            .ExpectAsync(HttpStatusCode.Created);
        await app.CreatePoolAsync("real", GpuFleet.H100OnDemand("real-pool"));
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "gpu.h100", 1);
        await app.SetQuotaAsync(tenant, "placements", 1);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", new
        {
            name = "probe", kind = "inference", image = "registry.k8s.io/pause:3.10", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);

        using var kubernetes = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath));
        await client.WaitForPlacementAsync(tenant, "probe", p => p.Phase() is "applying" or "running", TimeSpan.FromMinutes(2));
        var deployment = await kubernetes.AppsV1.ReadNamespacedDeploymentAsync("probe", "t-" + tenant);
        Assert.Equal("controlplane", deployment.Metadata.Labels["app.kubernetes.io/managed-by"]);

        await (await client.DeleteAsync($"/v1/tenants/{tenant}/placements/probe")).ExpectAsync(HttpStatusCode.Accepted);
        await client.WaitForPlacementAsync(tenant, "probe", p => p.Phase() == "terminated", TimeSpan.FromMinutes(2));
        await kubernetes.CoreV1.DeleteNamespaceAsync("t-" + tenant);
    }
}
