using k8s;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class WatchTests : EmulatorTestBase
{
    [Fact]
    public async Task Watch_reports_existing_then_changed_then_deleted_deployments()
    {
        await ApplyAsync(Deployment("web", 1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType, string)>();

        await foreach (var (type, deployment) in Client.AppsV1.WatchListNamespacedDeploymentAsync(Namespace, cancellationToken: timeout.Token))
        {
            seen.Add((type, deployment.Metadata.Name));
            if (type == WatchEventType.Added)
            {
                Emulator.SetDeploymentReadyReplicas(Namespace, "web", 1);
            }
            else if (type == WatchEventType.Modified)
            {
                await Client.AppsV1.DeleteNamespacedDeploymentAsync("web", Namespace, cancellationToken: timeout.Token);
            }
            else
            {
                break;
            }
        }

        Assert.Equal([(WatchEventType.Added, "web"), (WatchEventType.Modified, "web"), (WatchEventType.Deleted, "web")], seen);
    }

    [Fact]
    public async Task Watch_from_a_list_resource_version_replays_only_later_changes()
    {
        await ApplyAsync(Deployment("web", 1));
        var list = await Client.AppsV1.ListNamespacedDeploymentAsync(Namespace);
        await ApplyAsync(Deployment("web", 2));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await foreach (var (type, deployment) in Client.AppsV1.WatchListNamespacedDeploymentAsync(
            Namespace, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: timeout.Token))
        {
            Assert.Equal(WatchEventType.Modified, type);
            Assert.Equal(2, deployment.Spec.Replicas);
            break;
        }
    }
}
