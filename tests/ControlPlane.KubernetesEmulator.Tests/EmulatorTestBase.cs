using k8s;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

/// <summary>Each test gets its own emulator and a real KubernetesClient pointed at it.</summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected const string Namespace = "tenant-a";

    protected KubernetesApiEmulator Emulator { get; private set; } = null!;

    protected Kubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await KubernetesApiEmulator.StartAsync();
        Client = new Kubernetes(Emulator.ClientConfiguration());
        Emulator.PutNamespace(Namespace);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }

    protected static V1Deployment Deployment(string name, int replicas, IDictionary<string, string>? labels = null, string image = "nginx:1.27") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = labels },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image }] },
            },
        },
    };

    protected Task<V1Deployment> ApplyAsync(V1Deployment deployment, string manager = "controlplane", bool? force = true) =>
        Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), deployment.Metadata.Name, Namespace, fieldManager: manager, force: force);
}
