using k8s;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

/// <summary>
/// Pods are created from a Deployment's template only when admission allows them; otherwise the Deployment reports
/// ReplicaFailure/FailedCreate with the API server's message, and recovers once the cause is gone.
/// </summary>
public sealed class PodAdmissionTests : EmulatorTestBase
{
    [Fact]
    public async Task Pods_of_a_missing_priority_class_are_refused_until_it_exists()
    {
        var deployment = Deployment("web", 2);
        deployment.Spec.Template.Spec.PriorityClassName = "controlplane-high";
        await ApplyAsync(deployment);

        var refused = await ReplicaFailureAsync("web");
        Emulator.SetDeploymentReadyReplicas(Namespace, "web", 2);
        Assert.Equal(0, (await Client.AppsV1.ReadNamespacedDeploymentAsync("web", Namespace)).Status.ReadyReplicas);

        await Client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "controlplane-high" }, Value = 1000 });
        Emulator.SetDeploymentReadyReplicas(Namespace, "web", 2);

        Assert.Equal("FailedCreate", refused!.Reason);
        Assert.Matches("^pods \"web-[0-9a-f]{10}-\" is forbidden: no PriorityClass with name controlplane-high was found$", refused.Message);
        Assert.Null(await ReplicaFailureAsync("web"));
        Assert.Equal(2, (await Client.AppsV1.ReadNamespacedDeploymentAsync("web", Namespace)).Status.ReadyReplicas);
    }

    [Fact]
    public async Task Pods_of_a_missing_runtime_class_are_refused_until_it_exists()
    {
        var deployment = Deployment("web", 1);
        deployment.Spec.Template.Spec.RuntimeClassName = "kata-qemu-nvidia-gpu";
        await ApplyAsync(deployment);

        var refused = await ReplicaFailureAsync("web");
        Emulator.PutRuntimeClass("kata-qemu-nvidia-gpu", "kata-qemu-nvidia-gpu");

        Assert.EndsWith("is forbidden: pod rejected: RuntimeClass \"kata-qemu-nvidia-gpu\" not found", refused!.Message);
        Assert.Null(await ReplicaFailureAsync("web"));
    }

    [Fact]
    public async Task Pods_breaking_pod_security_restricted_are_refused_where_it_is_enforced()
    {
        Emulator.PutNamespace("strict", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" });
        var deployment = Deployment("web", 1);
        deployment.Metadata.NamespaceProperty = "strict";
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "web", "strict", fieldManager: "controlplane", force: true);
        await ApplyAsync(Deployment("web", 1)); // the same template where nothing is enforced

        var refused = await ReplicaFailureAsync("web", "strict");
        deployment.Spec.Template.Spec.SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } };
        deployment.Spec.Template.Spec.Containers[0].SecurityContext = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
        };
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "web", "strict", fieldManager: "controlplane", force: true);

        Assert.Matches("^pods \"web-[0-9a-f]{10}-\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + "allowPrivilegeEscalation != false \\(container \"main\" must set securityContext.allowPrivilegeEscalation=false\\), "
            + "unrestricted capabilities \\(container \"main\" must set securityContext.capabilities.drop=\\[\"ALL\"\\]\\), "
            + "runAsNonRoot != true \\(pod or container \"main\" must set securityContext.runAsNonRoot=true\\), "
            + "seccompProfile \\(pod or container \"main\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"\\)$", refused!.Message);
        Assert.Null(await ReplicaFailureAsync("web", "strict"));
        Assert.Null(await ReplicaFailureAsync("web"));
    }

    private async Task<V1DeploymentCondition?> ReplicaFailureAsync(string name, string ns = Namespace) =>
        (await Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns)).Status?.Conditions?.SingleOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True");
}
