using k8s;

namespace ControlPlane.IntegrationTests.Placements;

/// <summary>
/// The end-to-end scenario with a cluster registered by kubeconfig. It always runs: against the real cluster whose
/// kubeconfig path CONTROLPLANE_TEST_KUBECONFIG names, otherwise against the Kubernetes API emulator's kubeconfig —
/// never skipped.
/// </summary>
public sealed class KubeconfigClusterTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    public const string Variable = "CONTROLPLANE_TEST_KUBECONFIG";

    [Fact]
    public async Task Placement_on_a_cluster_registered_by_kubeconfig_is_applied_and_removed_again()
    {
        var kubeconfig = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path
            ? await File.ReadAllTextAsync(path)
            : (await app.EmulatorAsync()).KubeconfigYaml();
        var tenant = "kc" + Guid.NewGuid().ToString("N")[..8];
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/clusters", new { name = "by-kubeconfig", region = "kc-region", kubeconfig }))
            .ExpectAsync(HttpStatusCode.Created);
        await app.CreatePoolAsync("by-kubeconfig", GpuFleet.H100OnDemand("kc-pool"));
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "gpu.h100", 1);
        await app.SetQuotaAsync(tenant, "placements", 1);
        await app.RestrictToRegionAsync(tenant, "kc-region");
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", new
        {
            name = "probe", kind = "inference", image = "registry.k8s.io/pause:3.10", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);

        using var kubernetes = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(kubeconfig))));
        var deployment = await Eventually.FoundAsync(async () =>
        {
            var list = await kubernetes.AppsV1.ListNamespacedDeploymentAsync("t-" + tenant);
            return list.Items.FirstOrDefault(d => d.Metadata.Name == "probe");
        }, "the probe Deployment in the real cluster", TimeSpan.FromMinutes(2));
        Assert.Equal("controlplane", deployment.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal(tenant, deployment.Metadata.Labels["controlplane.io/tenant"]);

        await (await client.DeleteAsync($"/v1/tenants/{tenant}/placements/probe")).ExpectAsync(HttpStatusCode.Accepted);
        await client.WaitForPlacementAsync(tenant, "probe", p => p.Phase() == "terminated", TimeSpan.FromMinutes(2));
        Assert.Empty((await kubernetes.AppsV1.ListNamespacedDeploymentAsync("t-" + tenant)).Items);
        await kubernetes.CoreV1.DeleteNamespaceAsync("t-" + tenant);
    }
}
