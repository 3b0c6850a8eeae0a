using System.Text;

namespace ControlPlane.IntegrationTests.Slos;

/// <summary>OpenSLO v1 export and import of the indicators the control plane supports.</summary>
public sealed class OpenSloTests(SloApp app) : IClassFixture<SloApp>
{
    [Fact]
    public async Task An_exported_SLO_imports_back_as_the_same_spec_and_a_document_without_our_indicator_is_refused()
    {
        await app.RegisterClusterWithPrometheusAsync("openslo", "openslo-region", "http://127.0.0.1:9");
        using var client = await app.TenantWithPlacementsAsync("slo-open", "openslo-region", 1, "chat");
        await (await client.PutAsJsonAsync("/v1/tenants/slo-open/slos/chat-latency", new
        {
            placement = "chat", objective = 99.5, window = "28d", indicator = new { kind = "latency", thresholdSeconds = 0.3, metrics = "vllm" },
        })).ExpectAsync(HttpStatusCode.Created);

        var export = await client.GetAsync("/v1/tenants/slo-open/slos/chat-latency?format=openslo");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/yaml", export.Content.Headers.ContentType?.MediaType);
        var document = await export.Content.ReadAsStringAsync();
        foreach (var expected in new[] { "apiVersion: openslo/v1", "kind: SLO", "service: chat", "target: 0.995", "duration: 28d",
            "controlplane.io/indicator: latency", "controlplane.io/metrics: vllm", "vllm:e2e_request_latency_seconds_bucket" })
        {
            Assert.Contains(expected, document, StringComparison.Ordinal);
        }

        var copy = document.Replace("name: chat-latency\n", "name: chat-latency-copy\n", StringComparison.Ordinal);
        var imported = await (await client.PostAsync("/v1/tenants/slo-open/slos:import", new StringContent(copy, Encoding.UTF8, "application/yaml")))
            .ExpectAsync(HttpStatusCode.Created);
        var original = await (await client.GetAsync("/v1/tenants/slo-open/slos/chat-latency")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("chat-latency-copy", imported.GetProperty("name").GetString());
        foreach (var field in new[] { "placement", "objective", "window", "indicator" })
        {
            Assert.Equal(original.GetProperty(field).GetRawText(), imported.GetProperty(field).GetRawText());
        }

        // Raw queries are not an indicator: without the controlplane.io annotations the document is refused.
        var foreign = string.Join('\n', copy.Split('\n').Where(l => !l.Contains("controlplane.io/", StringComparison.Ordinal)));
        await (await client.PostAsync("/v1/tenants/slo-open/slos:import", new StringContent(foreign, Encoding.UTF8, "application/yaml")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.PostAsync("/v1/tenants/slo-open/slos:import", new StringContent("{ not: [yaml", Encoding.UTF8, "application/yaml")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync("/v1/tenants/slo-open/slos/chat-latency?format=xml")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}
