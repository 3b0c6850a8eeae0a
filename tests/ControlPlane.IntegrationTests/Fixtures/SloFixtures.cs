using System.Text.Json;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>The service evaluating SLOs every second against the run's real Prometheus, remediation without cooldown.</summary>
public class SloApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Slos:EvaluationInterval"] = EvaluationWorker ? "00:00:01" : "00:10:00",
        ["Slos:QueryTimeout"] = "00:00:02",
        ["Slos:RemediationCooldown"] = RemediationCooldown,
        ["Slos:Enabled"] = EvaluationWorker ? "true" : "false",
    };

    protected virtual string RemediationCooldown => "00:00:00";

    /// <summary>False for tests that drive evaluation passes themselves, as several replicas would (interval 10 minutes).</summary>
    protected virtual bool EvaluationWorker => true;
}

/// <summary>The same service with no evaluation worker running: the test plays the replicas.</summary>
public sealed class SloAppWithoutWorker : SloApp
{
    protected override bool EvaluationWorker => false;
}

/// <summary>Arranges tenants with serving placements on a cluster whose Prometheus is the run's, through the API.</summary>
public static class SloWorld
{
    /// <summary>A pod name of a placement's Deployment, as Kubernetes names them (and the presets expect).</summary>
    public static string PodOf(string placement) => placement + "-7d9f8b6c5-x2x4z";

    /// <summary>A cluster with an H100 pool, its Prometheus registered (<paramref name="prometheusUrl"/>, else the run's).</summary>
    public static async Task RegisterClusterWithPrometheusAsync(this ControlPlaneApp app, string cluster, string region, string? prometheusUrl = null)
    {
        await app.RegisterClusterAsync(cluster, region);
        await app.CreatePoolAsync(cluster, GpuFleet.H100OnDemand(cluster + "-h100"));
        var url = prometheusUrl ?? (await PrometheusServer.SharedAsync()).Url.ToString();
        using var op = await app.OperatorClientAsync();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/clusters/{cluster}")
        {
            Content = JsonContent.Create(new { prometheus = new { url, bearerToken = "prometheus-secret-token" } }),
        };
        var body = await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(url.TrimEnd('/'), body.GetProperty("prometheus").GetProperty("url").GetString());
        Assert.DoesNotContain("prometheus-secret-token", body.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>A developer of a new tenant in <paramref name="region"/> with inference placements (1 H100 each, 1 to <paramref name="max"/> replicas).</summary>
    public static async Task<HttpClient> TenantWithPlacementsAsync(this ControlPlaneApp app, string tenant, string region, int max, params string[] placements) =>
        app.ClientWithToken((await app.DeveloperWithPlacementsAsync(tenant, region, max, placements)).Token);

    /// <summary>As <see cref="TenantWithPlacementsAsync"/>, answering the developer's credentials (for the CLI, which gets its own token).</summary>
    public static async Task<TenantPrincipal> DeveloperWithPlacementsAsync(this ControlPlaneApp app, string tenant, string region, int max, params string[] placements)
    {
        var developer = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.RestrictToRegionAsync(tenant, region);
        await app.SetQuotaAsync(tenant, "gpu.h100", 8);
        await app.SetQuotaAsync(tenant, "placements", 10);
        using var client = app.ClientWithToken(developer.Token);
        foreach (var placement in placements)
        {
            await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", new
            {
                name = placement, kind = "inference", image = "registry.example/llm:1", replicas = new { min = 1, max },
                resources = new { gpuModel = "h100", gpusPerReplica = 1 },
            })).ExpectAsync(HttpStatusCode.Created);
        }

        return developer;
    }

    public static Task<JsonElement> WaitForSloAsync(this HttpClient client, string tenant, string slo, Func<JsonElement, bool> done, string what,
        TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(async () => await (await client.GetAsync($"/v1/tenants/{tenant}/slos/{slo}")).ExpectAsync(HttpStatusCode.OK),
            done, what, timeout ?? TimeSpan.FromSeconds(60));

    public static JsonElement SloStatus(this JsonElement slo) => slo.GetProperty("status");

    public static string SloState(this JsonElement slo) => slo.SloStatus().GetProperty("state").GetString()!;

    public static IReadOnlyList<string> Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public static IReadOnlyList<string> ActiveActions(this JsonElement slo) =>
        [.. slo.SloStatus().GetProperty("remediations").EnumerateArray().Select(r => r.GetProperty("action").GetString()!)];
}
