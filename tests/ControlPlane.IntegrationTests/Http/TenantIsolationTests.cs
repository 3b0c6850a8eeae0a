using System.Text.RegularExpressions;
using ControlPlane.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Http;

/// <summary>
/// Tenancy is a security boundary, proved for every route the service maps — including routes added later:
/// the routes are enumerated from the running app, not listed by hand.
/// </summary>
public sealed partial class TenantIsolationTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private const string Victim = "victim";

    /// <summary>
    /// A real resource of the victim for every route parameter. A new route with a new parameter fails the test
    /// until its sample is added here (and created in <see cref="SeedVictimAsync"/>), so no route escapes the check.
    /// </summary>
    private static readonly Dictionary<string, string> SampleRouteValues = new()
    {
        ["tenant"] = Victim,
        ["serviceAccount"] = "victim-sa",
        ["resource"] = "gpu.h100",
        ["placement"] = "victim-llm",
        ["cluster"] = "iso-c1",
        ["pool"] = "iso-pool",
        ["model"] = "victim-model",
        ["version"] = "1",
        ["alias"] = "production",
        ["path"] = "model", // the one file of a version registered by digest and size
        ["slo"] = "victim-slo",
        ["rollout"] = "1",
        ["binding"] = "victim-binding",
        ["month"] = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Another_tenants_principal_gets_404_on_every_tenant_route_exactly_as_for_a_missing_tenant()
    {
        await SeedVictimAsync();
        var intruder = await app.CreateTenantWithAccountAsync("intruder", "tenant-admin");
        var auditBefore = await VictimAuditCountAsync();
        var routes = TenantScopedRoutes().ToList();
        Assert.True(routes.Count >= 10, $"only {routes.Count} tenant-scoped routes found");

        using var client = app.ClientWithToken(intruder.Token);
        foreach (var (method, pattern) in routes)
        {
            var victimResponse = await client.SendAsync(Request(method, Fill(pattern, Victim)));
            var victimBody = await victimResponse.Content.ReadAsStringAsync();
            Assert.True(victimResponse.StatusCode == HttpStatusCode.NotFound, $"{method} {pattern}: {(int)victimResponse.StatusCode} {victimBody}");
            var ghostResponse = await client.SendAsync(Request(method, Fill(pattern, "ghost")));
            var ghostBody = await ghostResponse.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, ghostResponse.StatusCode);
            Assert.Equal(Normalize(ghostBody).Replace("ghost", Victim, StringComparison.Ordinal), Normalize(victimBody));
        }

        Assert.Equal(auditBefore, await VictimAuditCountAsync());
    }

    [Fact]
    public async Task Operator_only_routes_refuse_a_tenant_principal_with_403()
    {
        await SeedVictimAsync();
        var admin = await app.CreateAccountAsync(Victim, "victim-admin", "tenant-admin");
        var routes = OperatorOnlyRoutes().ToList();
        Assert.Contains(routes, r => r.Pattern == "/v1/tenants" && r.Method == "POST");
        Assert.Contains(routes, r => r.Pattern == "/v1/tenants/{tenant}/quotas/{resource}");

        using var client = app.ClientWithToken(admin.Token);
        foreach (var (method, pattern) in routes)
        {
            var response = await client.SendAsync(Request(method, Fill(pattern, Victim)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {pattern}: {(int)response.StatusCode} {body}");
        }
    }

    private async Task SeedVictimAsync()
    {
        using var op = await app.OperatorClientAsync();
        var exists = await op.GetAsync($"/v1/tenants/{Victim}");
        if (exists.StatusCode == HttpStatusCode.OK)
        {
            return;
        }

        await app.CreateTenantWithAccountAsync(Victim);
        await app.CreateAccountAsync(Victim, "victim-sa", "developer");
        await app.SetQuotaAsync(Victim, "gpu.h100", 8);
        await app.SetQuotaAsync(Victim, "placements", 8);
        await app.RegisterClusterAsync("iso-c1");
        await app.CreatePoolAsync("iso-c1", GpuFleet.H100OnDemand("iso-pool"));
        await (await op.PostAsJsonAsync($"/v1/tenants/{Victim}/service-accounts/victim-sa/workload-identity-bindings",
            new { name = "victim-binding", cluster = "iso-c1", @namespace = "t-" + Victim, kubernetesServiceAccount = "ci" })).ExpectAsync(HttpStatusCode.Created);
        await (await op.PostAsJsonAsync($"/v1/tenants/{Victim}/placements", new
        {
            name = "victim-llm", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);
        await (await op.PostAsJsonAsync($"/v1/tenants/{Victim}/placements/victim-llm/rollouts", RolloutWorld.Canary("img:2", "1h", 0, 50)))
            .ExpectAsync(HttpStatusCode.Created);
        await app.SetQuotaAsync(Victim, "storage.bytes", 1_000_000);
        await (await op.PostAsJsonAsync($"/v1/tenants/{Victim}/models", new { name = "victim-model" })).ExpectAsync(HttpStatusCode.Created);
        await op.PublishAsync(Victim, "victim-model", [1, 2, 3, 4]);
        await (await op.PutAsJsonAsync($"/v1/tenants/{Victim}/models/victim-model/aliases/production", new { version = 1 })).ExpectAsync(HttpStatusCode.OK);
        await (await op.PostAsJsonAsync("/v1/usage-events:batch", new
        {
            tenant = Victim,
            events = new[] { new { id = "u1", source = "s", type = "inferences", subject = "victim-llm", time = DateTimeOffset.UtcNow, data = new { quantity = 1 } } },
        })).ExpectAsync(HttpStatusCode.OK);
        await (await op.PutAsJsonAsync($"/v1/tenants/{Victim}/budget", new { monthlyAmount = 100m, hardCap = true })).ExpectAsync(HttpStatusCode.OK);
        await (await op.PutAsJsonAsync($"/v1/tenants/{Victim}/slos/victim-slo", new
        {
            placement = "victim-llm", objective = 99.5, window = "28d", indicator = new { kind = "availability", metrics = "otel-http" },
        })).ExpectAsync(HttpStatusCode.Created);
    }

    private async Task<int> VictimAuditCountAsync()
    {
        using var op = await app.OperatorClientAsync();
        var page = await (await op.GetAsync($"/v1/audit-events?tenant={Victim}&pageSize=200")).ExpectAsync(HttpStatusCode.OK);
        return page.GetProperty("items").GetArrayLength();
    }

    private IEnumerable<(string Method, string Pattern)> TenantScopedRoutes() =>
        Routes().Where(r => r.Endpoint.RoutePattern.Parameters.Any(p => p.Name == "tenant")).Select(r => (r.Method, r.Pattern));

    private IEnumerable<(string Method, string Pattern)> OperatorOnlyRoutes() =>
        Routes().Where(r =>
            r.Endpoint.Metadata.GetMetadata<TenantAccessMetadata>() is { MinimumRole: null }
            || r.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == "platform-operator"))
            .Select(r => (r.Method, r.Pattern));

    private IEnumerable<(string Method, string Pattern, RouteEndpoint Endpoint)> Routes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'), e)));

    private static string Fill(string pattern, string tenant) => RouteParameter().Replace(pattern, match =>
    {
        var name = match.Groups[1].Value;
        Assert.True(SampleRouteValues.ContainsKey(name),
            $"Route parameter '{{{name}}}' of {pattern} has no sample value: add one to SampleRouteValues and create it in SeedVictimAsync.");
        return name == "tenant" ? tenant : SampleRouteValues[name];
    });

    private static HttpRequestMessage Request(string method, string url) => new(new HttpMethod(method), url)
    {
        Content = method is "POST" or "PUT" or "PATCH" ? JsonContent.Create(new { }) : null,
    };

    /// <summary>Problem bodies differ only in their per-request ids.</summary>
    private static string Normalize(string body) => RequestIds().Replace(body, "\"$1\":\"…\"");

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("\"(traceId|requestId|instance)\":\"[^\"]*\"")]
    private static partial Regex RequestIds();
}
