using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

/// <summary>PrometheusRule and HTTPRoute are served with strict schemas: invalid or unknown fields are a 422, as a CRD (or its webhook) refuses them.</summary>
public sealed class CustomResourceSchemaTests : EmulatorTestBase
{
    [Fact]
    public async Task A_valid_PrometheusRule_and_HTTPRoute_are_applied_listed_and_deleted()
    {
        await ApplyAsync("monitoring.coreos.com", "prometheusrules", Rule("slo-a", new JsonObject { ["record"] = "slo:x", ["expr"] = "vector(1)" }));
        await ApplyAsync("gateway.networking.k8s.io", "httproutes", Route("chat", new JsonObject { ["name"] = "chat", ["port"] = 80, ["weight"] = 50 }));

        var rules = (System.Text.Json.JsonElement)await Client.CustomObjects.ListNamespacedCustomObjectAsync("monitoring.coreos.com", "v1", Namespace, "prometheusrules");
        Assert.Equal("slo-a", rules.GetProperty("items")[0].GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(50, (int)Emulator.Get("gateway.networking.k8s.io/v1", "httproutes", Namespace, "chat")!["spec"]!["rules"]![0]!["backendRefs"]![0]!["weight"]!);
        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync("gateway.networking.k8s.io", "v1", Namespace, "httproutes", "chat");
        Assert.Null(Emulator.Get("gateway.networking.k8s.io/v1", "httproutes", Namespace, "chat"));
    }

    [Theory]
    [InlineData("""{"record":"slo:x","alert":"X","expr":"vector(1)"}""", "exactly one of record and alert")]
    [InlineData("""{"record":"slo:x"}""", "spec.groups[0].rules[0].expr")]
    [InlineData("""{"record":"slo:x","expr":"vector(1)","for":"five minutes"}""", "spec.groups[0].rules[0].for")]
    [InlineData("""{"record":"slo:x","expr":"vector(1)","labels":{"a":1}}""", "spec.groups[0].rules[0].labels")]
    [InlineData("""{"record":"slo:x","expr":"vector(1)","query":"up"}""", "spec.groups[0].rules[0].query")]
    public async Task An_invalid_PrometheusRule_is_refused_with_422(string rule, string field)
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ApplyAsync("monitoring.coreos.com", "prometheusrules", Rule("bad", JsonNode.Parse(rule)!.AsObject())));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        Assert.Contains(field, ex.Response.Content, StringComparison.Ordinal);
        Assert.Null(Emulator.Get("monitoring.coreos.com/v1", "prometheusrules", Namespace, "bad"));
    }

    [Theory]
    [InlineData("""{"name":"chat","weight":50}""", "backendRefs[0].port")]
    [InlineData("""{"name":"chat","port":80,"weight":-1}""", "backendRefs[0].weight")]
    [InlineData("""{"port":80}""", "backendRefs[0].name")]
    public async Task An_invalid_HTTPRoute_is_refused_with_422(string backend, string field)
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            ApplyAsync("gateway.networking.k8s.io", "httproutes", Route("bad", JsonNode.Parse(backend)!.AsObject())));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        Assert.Contains(field, ex.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_HTTPRoute_with_a_Gateway_parent_and_a_RequestMirror_filter_is_applied()
    {
        var route = Route("shadow", new JsonObject { ["name"] = "chat", ["port"] = 80, ["weight"] = 100 }, Mirror("""{"backendRef":{"name":"chat-canary","port":80},"percent":10}"""));
        route["spec"]!["parentRefs"] = new JsonArray(new JsonObject { ["group"] = "gateway.networking.k8s.io", ["kind"] = "Gateway", ["namespace"] = "gw", ["name"] = "public" });
        await ApplyAsync("gateway.networking.k8s.io", "httproutes", route);

        var stored = Emulator.Get("gateway.networking.k8s.io/v1", "httproutes", Namespace, "shadow")!["spec"]!;
        Assert.Equal(10, (int)stored["rules"]![0]!["filters"]![0]!["requestMirror"]!["percent"]!);
        Assert.Equal("public", (string?)stored["parentRefs"]![0]!["name"]);
    }

    [Theory]
    [InlineData("""{"type":"Mirror","requestMirror":{"backendRef":{"name":"c","port":80}}}""", "filters[0].type")]
    [InlineData("""{"type":"RequestMirror"}""", "filters[0].requestMirror")]
    [InlineData("""{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"c"}}}""", "requestMirror.backendRef.port")]
    [InlineData("""{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"c","port":80},"percent":101}}""", "requestMirror.percent")]
    [InlineData("""{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"c","port":80},"percent":10,"fraction":{"numerator":1}}}""", "only one of percent or fraction")]
    [InlineData("""{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"c","port":80}},"urlRewrite":{}}""", "urlRewrite must not be set")]
    [InlineData("""{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"c","port":80},"weight":5}}""", "requestMirror.weight")]
    public async Task An_invalid_HTTPRoute_filter_is_refused_with_422(string filter, string field)
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync("gateway.networking.k8s.io", "httproutes",
            Route("bad", new JsonObject { ["name"] = "chat", ["port"] = 80 }, Mirror(filter, wrap: false))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        Assert.Contains(field, ex.Response.Content, StringComparison.Ordinal);
    }

    private static JsonObject Mirror(string json, bool wrap = true) =>
        wrap ? new JsonObject { ["type"] = "RequestMirror", ["requestMirror"] = JsonNode.Parse(json) } : JsonNode.Parse(json)!.AsObject();

    private Task<object> ApplyAsync(string group, string plural, JsonObject obj) =>
        Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(obj.ToJsonString(), V1Patch.PatchType.ApplyPatch), group, "v1", Namespace, plural,
            (string)obj["metadata"]!["name"]!, fieldManager: "controlplane", force: true);

    private static JsonObject Rule(string name, JsonObject rule) => new()
    {
        ["apiVersion"] = "monitoring.coreos.com/v1",
        ["kind"] = "PrometheusRule",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "g", ["rules"] = new JsonArray(rule) }) },
    };

    private static JsonObject Route(string name, JsonObject backend, JsonObject? filter = null)
    {
        var rule = new JsonObject { ["backendRefs"] = new JsonArray(backend) };
        if (filter is not null)
        {
            rule["filters"] = new JsonArray(filter);
        }

        return new()
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1",
            ["kind"] = "HTTPRoute",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject { ["rules"] = new JsonArray(rule) },
        };
    }
}
