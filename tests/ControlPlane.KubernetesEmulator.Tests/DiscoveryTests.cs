using k8s;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class DiscoveryTests : EmulatorTestBase
{
    [Fact]
    public async Task Discovery_lists_the_served_groups_and_resources()
    {
        var core = await Client.Core.GetAPIVersionsAsync();
        var groups = await Client.Apis.GetAPIVersionsAsync();
        var apps = await Client.AppsV1.GetAPIResourcesAsync();

        Assert.Equal(["v1"], core.Versions);
        Assert.Contains(groups.Groups, g => g.Name == "rbac.authorization.k8s.io" && g.PreferredVersion.Version == "v1");
        Assert.Contains(apps.Resources, r => r.Name == "deployments" && r.Namespaced && r.Verbs.Contains("patch"));
    }
}
