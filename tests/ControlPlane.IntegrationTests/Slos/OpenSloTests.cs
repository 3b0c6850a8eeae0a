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

    [Fact]
    public async Task Remediation_round_trips_through_OpenSLO_and_documents_beyond_the_limits_are_refused_with_the_reason()
    {
        await app.RegisterClusterWithPrometheusAsync("openslo-rem", "openslo-rem-region", "http://127.0.0.1:9");
        using var client = await app.TenantWithPlacementsAsync("slo-open-rem", "openslo-rem-region", 2, "chat", "chat-cpu");
        await (await client.PutAsJsonAsync("/v1/tenants/slo-open-rem/slos/chat-availability", new
        {
            placement = "chat", objective = 99.9, window = "7d", indicator = new { kind = "availability", metrics = "otel-http" },
            remediation = new object[]
            {
                new { on = "fast-burn", action = "scale-to-max" },
                new { on = "slow-burn", action = "fallback", placement = "chat-cpu", weight = 30 },
                new { on = "budget-exhausted", action = "freeze-rollouts" },
            },
        })).ExpectAsync(HttpStatusCode.Created);
        var document = await (await client.GetAsync("/v1/tenants/slo-open-rem/slos/chat-availability?format=openslo")).Content.ReadAsStringAsync();
        Assert.Contains("controlplane.io/remediation:", document, StringComparison.Ordinal);

        // Export → import under another name → the same spec, remediation included.
        var copy = document.Replace("name: chat-availability\n", "name: chat-availability-copy\n", StringComparison.Ordinal);
        var imported = await (await ImportAsync(client, copy)).ExpectAsync(HttpStatusCode.Created);
        var original = await (await client.GetAsync("/v1/tenants/slo-open-rem/slos/chat-availability")).ExpectAsync(HttpStatusCode.OK);
        foreach (var field in new[] { "placement", "objective", "window", "indicator", "remediation" })
        {
            Assert.Equal(original.GetProperty(field).GetRawText(), imported.GetProperty(field).GetRawText());
        }

        Assert.Equal(3, imported.GetProperty("remediation").GetArrayLength());
        var exportedAgain = await (await client.GetAsync("/v1/tenants/slo-open-rem/slos/chat-availability-copy?format=openslo")).Content.ReadAsStringAsync();
        Assert.Equal(copy.Replace("chat-availability-sli", "chat-availability-copy-sli", StringComparison.Ordinal), exportedAgain);

        // Each limit is a 400 naming what is wrong, and nothing is stored.
        var secondObjective = copy.Replace("  - target: 0.999\n", "  - target: 0.999\n  - target: 0.99\n", StringComparison.Ordinal);
        var unknownMember = copy.Replace("\"action\":\"scale-to-max\"", "\"action\":\"scale-to-max\",\"weigth\":5", StringComparison.Ordinal);
        var cases = new (string Document, string Field, string Reason)[]
        {
            (copy + "---\n" + copy, "document", "one SLO per import"),
            (secondObjective.Replace("-copy", "-2", StringComparison.Ordinal), "spec.objectives", "exactly one objective"),
            (copy + "# " + new string('x', 70_000) + "\n", "document", "at most 65536 bytes"),
            ("a: " + new string('[', 100) + new string(']', 100) + "\n", "document", "nested deeper than 16 levels"),
            (copy.Replace("service: chat", "service: " + new string('c', 5000), StringComparison.Ordinal), "document", "longer than 4096 characters"),
            (unknownMember.Replace("-copy", "-3", StringComparison.Ordinal), "metadata.annotations.controlplane.io/remediation", "weigth"),
            (copy.Replace("\"weight\":30", "\"weight\":300", StringComparison.Ordinal).Replace("-copy", "-4", StringComparison.Ordinal), "remediation[1].weight", "1 to 100"),
        };
        foreach (var (bad, field, reason) in cases)
        {
            var problem = await (await ImportAsync(client, bad)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()).ToList();
            Assert.Contains(messages, m => m!.Contains(reason, StringComparison.Ordinal));
        }

        var list = await (await client.GetAsync("/v1/tenants/slo-open-rem/slos")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["chat-availability", "chat-availability-copy"],
            list.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToList());
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, string document) =>
        client.PostAsync("/v1/tenants/slo-open-rem/slos:import", new StringContent(document, Encoding.UTF8, "application/yaml"));
}
