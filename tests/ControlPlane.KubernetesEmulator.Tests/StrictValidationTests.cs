using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControlPlane.KubernetesEmulator.Tests;

/// <summary>What a real API server refuses at write time, the emulator refuses with the same code, reason and wording.</summary>
public sealed class StrictValidationTests : EmulatorTestBase
{
    [Fact]
    public async Task An_unknown_field_is_refused_as_strict_decoding_does()
    {
        var body = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replica":2}}""";

        var status = await RefusedAsync(() => Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(body, V1Patch.PatchType.ApplyPatch), "web", Namespace, fieldManager: "controlplane", force: true), HttpStatusCode.BadRequest);

        Assert.Equal("strict decoding error: unknown field \"spec.replica\"", status.Message);
        Assert.Null(Emulator.Get("apps/v1", "deployments", Namespace, "web"));
    }

    [Fact]
    public async Task A_deployment_without_a_selector_is_invalid()
    {
        var deployment = Deployment("web", 1);
        deployment.Spec.Selector = null;

        var status = await RefusedAsync(() => ApplyAsync(deployment), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Invalid", status.Reason);
        Assert.Equal("Deployment.apps \"web\" is invalid: spec.selector: Required value", status.Message);
    }

    [Fact]
    public async Task A_container_without_an_image_is_invalid()
    {
        var deployment = Deployment("web", 1, image: "");

        var status = await RefusedAsync(() => ApplyAsync(deployment), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value", status.Message);
    }

    [Fact]
    public async Task An_invalid_label_value_is_invalid()
    {
        var deployment = Deployment("web", 1, labels: new Dictionary<string, string> { ["tier"] = "gold plated!" });

        var status = await RefusedAsync(() => ApplyAsync(deployment), HttpStatusCode.UnprocessableEntity);

        Assert.StartsWith("Deployment.apps \"web\" is invalid: metadata.labels: Invalid value: \"gold plated!\": a valid label must be an empty string", status.Message);
    }

    [Fact]
    public async Task A_priority_class_value_cannot_be_changed_in_an_update()
    {
        await Client.SchedulingV1.CreatePriorityClassAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "high" }, Value = 1000 });

        var status = await RefusedAsync(() => Client.SchedulingV1.PatchPriorityClassAsync(
            new V1Patch(new V1PriorityClass { ApiVersion = "scheduling.k8s.io/v1", Kind = "PriorityClass", Metadata = new V1ObjectMeta { Name = "high" }, Value = 2000 },
                V1Patch.PatchType.ApplyPatch), "high", fieldManager: "controlplane", force: true), HttpStatusCode.UnprocessableEntity);

        Assert.Equal("PriorityClass.scheduling.k8s.io \"high\" is invalid: value: Forbidden: may not be changed in an update.", status.Message);
    }

    [Fact]
    public async Task A_horizontal_pod_autoscaler_with_min_above_max_is_invalid_and_a_valid_one_is_stored()
    {
        var autoscaler = new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MinReplicas = 4,
                MaxReplicas = 3,
            },
        };

        var status = await RefusedAsync(() => Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(autoscaler, Namespace), HttpStatusCode.UnprocessableEntity);
        autoscaler.Spec.MinReplicas = 1;
        await Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(autoscaler, Namespace);

        Assert.Equal("HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.minReplicas: Invalid value: 4: must be less than or equal to maxReplicas", status.Message);
        Assert.Equal(3, (await Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", Namespace)).Spec.MaxReplicas);
    }

    [Fact]
    public async Task The_service_account_issuer_is_discovered_with_the_cluster_credentials()
    {
        // Through the client's own HTTP pipeline: its generated WellKnown operation cannot read the document (it
        // expects a JSON string), so callers send the request with the client's HttpClient and credentials.
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, new Uri(Client.BaseUri, ".well-known/openid-configuration"));
        using var authenticated = new HttpRequestMessage(HttpMethod.Get, new Uri(Client.BaseUri, ".well-known/openid-configuration"));
        await Client.Credentials.ProcessHttpRequestAsync(authenticated, CancellationToken.None);

        using var refused = await Client.HttpClient.SendAsync(anonymous);
        using var answered = await Client.HttpClient.SendAsync(authenticated);
        using var document = System.Text.Json.JsonDocument.Parse(await answered.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(Emulator.ServiceAccountIssuer, document.RootElement.GetProperty("issuer").GetString());
    }

    private static async Task<V1Status> RefusedAsync(Func<Task> call, HttpStatusCode expected)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(expected, error.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(error.Response.Content);
    }
}
