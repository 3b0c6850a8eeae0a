using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

public sealed class CrudTests : EmulatorTestBase
{
    [Fact]
    public async Task Reading_a_missing_object_is_a_404_status()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("absent", Namespace));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal("configmaps \"absent\" not found", status.Message);
    }

    [Fact]
    public async Task Creating_an_existing_object_is_a_409_already_exists()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Equal("AlreadyExists", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
    }

    [Fact]
    public async Task Replacing_with_a_stale_resource_version_is_a_409_conflict()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);
        created.Data["mode"] = "fast";
        var replaced = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "settings", Namespace);

        created.Data["mode"] = "slow";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "settings", Namespace));

        Assert.Equal("fast", replaced.Data["mode"]);
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Equal("Conflict", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
    }

    [Fact]
    public async Task Invalid_names_are_a_422()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Not_Valid"), Namespace));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Equal("Invalid", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
    }

    [Fact]
    public async Task List_filters_by_label_selector_and_reports_a_resource_version()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", ("tenant", "t1"), ("tier", "gold")), Namespace);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", ("tenant", "t1"), ("tier", "silver")), Namespace);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", ("tenant", "t2"), ("tier", "gold")), Namespace);

        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Namespace, labelSelector: "tenant=t1,tier=gold");

        Assert.Equal(["a"], list.Items.Select(i => i.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Merge_patch_changes_only_the_given_fields()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings", ("keep", "me")), Namespace);
        var patch = new V1Patch("""{"metadata":{"labels":{"added":"yes"}},"data":{"mode":null}}""", V1Patch.PatchType.MergePatch);

        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "settings", Namespace);

        Assert.Equal("me", patched.Metadata.Labels["keep"]);
        Assert.Equal("yes", patched.Metadata.Labels["added"]);
        Assert.False(patched.Data.ContainsKey("mode"));
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_everything_in_it()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), Namespace);
        await ApplyAsync(Deployment("web", 1));
        Emulator.PutNamespace("other");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("survivor"), "other");

        await Client.CoreV1.DeleteNamespaceAsync(Namespace);

        Assert.Null(Emulator.Get("v1", "namespaces", null, Namespace));
        Assert.Empty(Emulator.List("v1", "ConfigMap", Namespace));
        Assert.Empty(Emulator.List("apps/v1", "deployments", Namespace));
        Assert.Single(Emulator.List("v1", "configmaps", "other"));
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.DeleteNamespaceAsync(Namespace));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Cluster_scoped_and_group_resources_are_served()
    {
        Emulator.PutNode("gpu-node-1", new Dictionary<string, string> { ["nvidia.com/gpu"] = "8", ["cpu"] = "96" });
        await Client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "tenant-high" }, Value = 1000 });
        await Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "tenant-admin" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "admin" },
        }, Namespace);

        var node = Assert.Single((await Client.CoreV1.ListNodeAsync()).Items);
        var priority = await Client.SchedulingV1.ReadPriorityClassAsync("tenant-high");
        var binding = await Client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("tenant-admin", Namespace);

        Assert.Equal("8", node.Status.Allocatable["nvidia.com/gpu"].ToString());
        Assert.Equal(1000, priority.Value);
        Assert.Equal("admin", binding.RoleRef.Name);
    }

    [Fact]
    public async Task Job_status_set_by_the_test_is_visible_to_the_client()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "train" },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "main", Image = "trainer" }] } } },
        }, Namespace);

        Emulator.SetJobSucceeded(Namespace, "train", 1);
        var job = await Client.BatchV1.ReadNamespacedJobAsync("train", Namespace);

        Assert.Equal(1, job.Status.Succeeded);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
    }

    private static V1ConfigMap ConfigMap(string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
        Data = new Dictionary<string, string> { ["mode"] = "default" },
    };
}
