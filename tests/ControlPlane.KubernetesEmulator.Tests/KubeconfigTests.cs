using System.Text;
using k8s;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class KubeconfigTests : EmulatorTestBase
{
    [Fact]
    public async Task A_client_built_from_the_kubeconfig_talks_to_the_emulator()
    {
        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(Emulator.KubeconfigYaml()));
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        using var client = new Kubernetes(configuration);

        var version = await client.Version.GetCodeAsync();
        var namespaces = await client.CoreV1.ListNamespaceAsync();

        Assert.Equal("default", configuration.Namespace);
        Assert.Equal("1", version.Major);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
    }
}
