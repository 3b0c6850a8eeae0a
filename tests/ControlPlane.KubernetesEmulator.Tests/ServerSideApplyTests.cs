using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class ServerSideApplyTests : EmulatorTestBase
{
    [Fact]
    public async Task Apply_creates_then_merges_and_bumps_resource_version()
    {
        var created = await ApplyAsync(Deployment("web", replicas: 1, new Dictionary<string, string> { ["tier"] = "frontend" }));

        var update = Deployment("web", replicas: 3, new Dictionary<string, string> { ["tier"] = "frontend", ["team"] = "gpu" });
        var updated = await ApplyAsync(update);

        Assert.Equal(3, updated.Spec.Replicas);
        Assert.Equal("gpu", updated.Metadata.Labels["team"]);
        Assert.Equal("frontend", updated.Metadata.Labels["tier"]);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(2, updated.Metadata.Generation);
        var entry = Assert.Single(updated.Metadata.ManagedFields);
        Assert.Equal("controlplane", entry.Manager);
        Assert.Equal("Apply", entry.Operation);
        Assert.Equal("FieldsV1", entry.FieldsType);

        var stored = Emulator.Get("apps/v1", "Deployment", Namespace, "web");
        Assert.Equal(3, (int?)stored!["spec"]!["replicas"]);
    }

    [Fact]
    public async Task Apply_sends_exactly_one_apply_patch_with_field_manager_and_force()
    {
        await Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(Deployment("web", 2), V1Patch.PatchType.ApplyPatch), "web", Namespace, fieldManager: "controlplane", force: true);

        var apply = Assert.Single(Emulator.Requests, r => r.Method == "PATCH");
        Assert.Equal($"/apis/apps/v1/namespaces/{Namespace}/deployments/web", apply.Path);
        Assert.StartsWith("application/apply-patch+yaml", apply.ContentType, StringComparison.Ordinal);
        Assert.Contains("fieldManager=controlplane", apply.QueryString, StringComparison.Ordinal);
        Assert.Contains("force=true", apply.QueryString, StringComparison.Ordinal);
        Assert.Equal(201, apply.StatusCode);
    }

    [Fact]
    public async Task Reapplying_the_same_configuration_is_a_no_op()
    {
        var first = await ApplyAsync(Deployment("web", 2));
        var second = await ApplyAsync(Deployment("web", 2));

        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        Assert.Equal(1, second.Metadata.Generation);
    }

    [Fact]
    public async Task Fields_no_longer_applied_are_removed()
    {
        await ApplyAsync(Deployment("web", 2, new Dictionary<string, string> { ["tier"] = "frontend", ["old"] = "yes" }));

        var updated = await ApplyAsync(Deployment("web", 2, new Dictionary<string, string> { ["tier"] = "frontend" }));

        Assert.False(updated.Metadata.Labels.ContainsKey("old"));
    }

    [Fact]
    public async Task Changing_a_field_owned_by_another_manager_conflicts_unless_forced()
    {
        await ApplyAsync(Deployment("web", 2), manager: "controlplane");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync(Deployment("web", 5), manager: "autoscaler", force: null));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Contains("conflict with \"controlplane\": .spec.replicas", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message, StringComparison.Ordinal);

        var forced = await ApplyAsync(Deployment("web", 5), manager: "autoscaler", force: true);
        Assert.Equal(5, forced.Spec.Replicas);
        Assert.Equal(["controlplane", "autoscaler"], forced.Metadata.ManagedFields.Select(m => m.Manager));
    }

    [Fact]
    public async Task Apply_without_field_manager_is_a_bad_request()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(Deployment("web", 1), V1Patch.PatchType.ApplyPatch), "web", Namespace));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
    }

    [Fact]
    public async Task Apply_leaves_status_to_the_cluster()
    {
        await ApplyAsync(Deployment("web", 2));
        Emulator.SetDeploymentReadyReplicas(Namespace, "web", 2);

        var reapplied = await ApplyAsync(Deployment("web", 2, image: "nginx:1.28"));
        var status = await Client.AppsV1.ReadNamespacedDeploymentStatusAsync("web", Namespace);

        Assert.Equal(2, reapplied.Status.ReadyReplicas);
        Assert.Equal(2, status.Status.ReadyReplicas);
        Assert.Equal(1, status.Status.ObservedGeneration);
        Assert.Equal(2, status.Metadata.Generation);
    }

    [Fact]
    public async Task Apply_with_kind_not_matching_the_url_is_invalid()
    {
        var wrong = Deployment("web", 1);
        wrong.Kind = "StatefulSet";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync(wrong));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }

    [Fact]
    public async Task Apply_into_a_missing_namespace_is_not_found()
    {
        var deployment = Deployment("web", 1);
        deployment.Metadata.NamespaceProperty = "nowhere";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(deployment, V1Patch.PatchType.ApplyPatch), "web", "nowhere", fieldManager: "controlplane", force: true));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("namespaces \"nowhere\" not found", status.Message);
        Assert.Equal("NotFound", status.Reason);
    }
}
