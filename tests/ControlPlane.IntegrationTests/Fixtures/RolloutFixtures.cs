using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>The SLO service (real Prometheus, evaluation every second) with the rollout worker polling every 200 ms.</summary>
public sealed class RolloutApp : SloApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(base.ExtraSettings)
    {
        ["Rollouts:PollInterval"] = "00:00:00.200",
    };
}

/// <summary>The same service with no rollout worker: the test runs the passes, as several replicas (or a restarted one) would.</summary>
public sealed class RolloutAppWithoutWorker : SloApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(base.ExtraSettings)
    {
        ["Rollouts:Enabled"] = "false",
    };
}

/// <summary>
/// No rollout worker and no metering worker: the test runs both at instants of its choosing (as replicas whose clock is
/// ahead), so minutes of GPU-seconds are accrued without waiting for them. Accrual runs ahead of the real clock, so the
/// class has its own database.
/// </summary>
public sealed class RolloutMeteringApp : SloApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(base.ExtraSettings)
    {
        ["Rollouts:Enabled"] = "false",
        ["Rollouts:PollInterval"] = "00:00:00.200",
        ["Metering:Enabled"] = "false",
    };

    /// <summary>One rollout worker pass (a fresh instance, as on another replica) with its clock at <paramref name="now"/>.</summary>
    public async Task RolloutPassAsync(DateTimeOffset now)
    {
        using var scope = Services.CreateScope();
        var progression = ActivatorUtilities.CreateInstance<ControlPlane.Application.Rollouts.RolloutProgression>(scope.ServiceProvider,
            new FakeTimeProvider(now));
        await progression.RunDueAsync(CancellationToken.None);
    }
}

/// <summary>Arranges rollouts through the API and reads what the cluster and the API show of them.</summary>
public static class RolloutWorld
{
    public const string Gateways = "gateways";
    public const string Gateway = "public";

    /// <summary>A pod name of a placement's canary Deployment.</summary>
    public static string CanaryPodOf(string placement) => SloWorld.PodOf(placement + "-canary");

    /// <summary>A cluster with the run's Prometheus (or <paramref name="prometheusUrl"/>) and the Gateway gateways/public registered.</summary>
    public static async Task RegisterClusterWithGatewayAsync(this ControlPlaneApp app, string cluster, string region, string? prometheusUrl = null)
    {
        await app.RegisterClusterWithPrometheusAsync(cluster, region, prometheusUrl);
        using var op = await app.OperatorClientAsync();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/clusters/{cluster}")
        {
            Content = JsonContent.Create(new { gateway = new { @namespace = Gateways, name = Gateway } }),
        };
        var body = await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Gateway, body.GetProperty("gateway").GetProperty("name").GetString());
    }

    /// <summary>Starts a rollout; asserts 201.</summary>
    public static async Task<JsonElement> StartRolloutAsync(this HttpClient client, string tenant, string placement, object request) =>
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements/{placement}/rollouts", request)).ExpectAsync(HttpStatusCode.Created);

    public static Task<JsonElement> WaitForRolloutAsync(this HttpClient client, string tenant, string placement, int id, Func<JsonElement, bool> done,
        string what, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(async () => await (await client.GetAsync($"/v1/tenants/{tenant}/placements/{placement}/rollouts/{id}")).ExpectAsync(HttpStatusCode.OK),
            done, what, timeout ?? TimeSpan.FromSeconds(60));

    public static string RolloutPhase(this JsonElement rollout) => rollout.GetProperty("status").GetProperty("phase").GetString()!;

    public static int RolloutStep(this JsonElement rollout) => rollout.GetProperty("status").GetProperty("step").GetInt32();

    public static IReadOnlyList<JsonElement> Runs(this JsonElement rollout) => [.. rollout.GetProperty("status").GetProperty("analysisRuns").EnumerateArray()];

    /// <summary>The route's (service, weight) pairs, or null when there is no route.</summary>
    public static IReadOnlyList<(string Service, int Weight)>? RouteBackends(this KubernetesEmulator.KubernetesApiEmulator emulator, string tenant, string placement) =>
        emulator.Get("gateway.networking.k8s.io/v1", "httproutes", "t-" + tenant, placement) is { } route
            ? [.. route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray().Select(b => ((string)b!["name"]!, (int)b["weight"]!))]
            : null;

    public static JsonObject? Deployment(this KubernetesEmulator.KubernetesApiEmulator emulator, string tenant, string name) =>
        emulator.Get("apps/v1", "deployments", "t-" + tenant, name);

    public static string? ImageOf(JsonObject? deployment) => (string?)deployment?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"];

    /// <summary>
    /// controlplane_rollout_phase of one rollout as this service's gauge reports it to its exporter: the value of each
    /// phase's series. Read from the service's own instrument, not by scraping /metrics: the test hosts share one process,
    /// and an exporter there may report the first host's instrument of a name instead of its own.
    /// </summary>
    public static PhaseGauge RolloutPhaseGauge(this ControlPlaneApp app, string tenant, string placement, int rollout)
    {
        var phases = new PhaseGauge();
        foreach (var measurement in app.Services.GetRequiredService<ControlPlane.Application.Rollouts.RolloutMetrics>().PhaseMeasurements())
        {
            var tags = measurement.Tags.ToArray().ToDictionary(t => t.Key, t => (string?)t.Value, StringComparer.Ordinal);
            if (tags["tenant"] == tenant && tags["placement"] == placement && tags["rollout"] == rollout.ToString(CultureInfo.InvariantCulture))
            {
                phases[tags["phase"]!] = measurement.Value;
            }
        }

        return phases;
    }

    /// <summary>The tenant's quota usage of a resource.</summary>
    public static async Task<long> QuotaUsedAsync(this HttpClient client, string tenant, string resource)
    {
        var quotas = await (await client.GetAsync($"/v1/tenants/{tenant}/quotas")).ExpectAsync(HttpStatusCode.OK);
        return quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == resource).GetProperty("used").GetInt64();
    }

    public static async Task<IReadOnlyList<JsonElement>> AuditAsync(this ControlPlaneApp app, string tenant)
    {
        using var op = await app.OperatorClientAsync();
        var page = await (await op.GetAsync($"/v1/audit-events?tenant={tenant}&pageSize=200")).ExpectAsync(HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Canary steps with the given weights, each held <paramref name="pause"/>; analysed every second on error rate and p95 latency.</summary>
    public static object Canary(string image, string pause, int failureLimit, params int[] weights) => new
    {
        image,
        strategy = new { type = "canary", steps = weights.Select(w => new { weight = w, pause }).ToArray() },
        analysis = new
        {
            interval = "1s", failureLimit,
            gates = new object[] { new { metric = "error-rate", max = 0.05 }, new { metric = "latency-p95", maxSeconds = 0.5 } },
        },
    };
}

/// <summary>The value of each phase's series (printed as such when a wait for it fails).</summary>
/// <summary>The value of each phase's series (printed as such when a wait for it fails).</summary>
public sealed class PhaseGauge() : Dictionary<string, double>(StringComparer.Ordinal)
{
    public override string ToString() => string.Join(", ", this.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
