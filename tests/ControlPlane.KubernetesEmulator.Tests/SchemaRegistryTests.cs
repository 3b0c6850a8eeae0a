using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

/// <summary>
/// Each kind has one schema entry, and every write path — create, replace, merge patch, server-side apply — checks a
/// body against it: a built-in kind's strict decoding (400) and a custom resource's structural schema (422) alike.
/// </summary>
public sealed class SchemaRegistryTests : EmulatorTestBase
{
    [Fact]
    public async Task Every_write_path_refuses_an_unknown_field_of_a_custom_resource_with_422()
    {
        var route = Route("chat");
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(route, Group, "v1", Namespace, Plural);
        var unknown = Route("chat");
        unknown["spec"]!["rules"]![0]!["bakendRefs"] = 5;

        var create = Route("other");
        create["spec"]!["rules"]![0]!["bakendRefs"] = 5;
        await Refused422Async(() => Client.CustomObjects.CreateNamespacedCustomObjectAsync(create, Group, "v1", Namespace, Plural));
        var live = Emulator.Get($"{Group}/v1", Plural, Namespace, "chat")!;
        unknown["metadata"]!["resourceVersion"] = (string)live["metadata"]!["resourceVersion"]!;
        await Refused422Async(() => Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(unknown, Group, "v1", Namespace, Plural, "chat"));
        await Refused422Async(() => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"hostnames":["a.example"],"rules":[{"backendRefs":[{"name":"chat","port":80}],"bakendRefs":5}]}}""", V1Patch.PatchType.MergePatch), Group, "v1", Namespace, Plural, "chat"));
        unknown["metadata"]!.AsObject().Remove("resourceVersion");
        await Refused422Async(() => Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(unknown.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, "v1", Namespace, Plural, "chat", fieldManager: "controlplane", force: true));

        Assert.Null(Emulator.Get($"{Group}/v1", Plural, Namespace, "other"));
        Assert.Null(Emulator.Get($"{Group}/v1", Plural, Namespace, "chat")!["spec"]!["hostnames"]);
    }

    [Fact]
    public async Task Every_write_path_refuses_an_unknown_field_of_a_built_in_kind_with_400()
    {
        await ApplyAsync(Deployment("web", 1));

        var create = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"new"},"spec":{"replica":2}}""")!, "apps", "v1", Namespace, "deployments"));
        Assert.Equal(HttpStatusCode.BadRequest, create.Response.StatusCode);
        var merge = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replica":2}}""", V1Patch.PatchType.MergePatch), "web", Namespace));
        Assert.Equal(HttpStatusCode.BadRequest, merge.Response.StatusCode);
        Assert.Equal("strict decoding error: unknown field \"spec.replica\"", (string?)JsonNode.Parse(merge.Response.Content)!["message"]);
        Assert.Null(Emulator.Get("apps/v1", "deployments", Namespace, "new"));
    }

    private const string Group = "gateway.networking.k8s.io";
    private const string Plural = "httproutes";

    private static async Task Refused422Async(Func<Task> write)
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(write);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        Assert.Contains("spec.rules[0].bakendRefs", ex.Response.Content, StringComparison.Ordinal);
    }

    private static JsonObject Route(string name) => new()
    {
        ["apiVersion"] = $"{Group}/v1",
        ["kind"] = "HTTPRoute",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["rules"] = new JsonArray(new JsonObject { ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = name, ["port"] = 80 }) }),
        },
    };
}
