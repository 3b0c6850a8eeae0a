using ControlPlane.Application.Rollouts;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Rollouts;

/// <summary>
/// The rollout worker as several replicas, each pass a fresh instance with nothing in memory (as after a restart): a
/// rollout resumes from its stored step, and concurrent passes apply each step exactly once.
/// </summary>
public sealed class RolloutProgressionTests(RolloutAppWithoutWorker app) : IClassFixture<RolloutAppWithoutWorker>
{
    [Fact]
    public async Task Restarted_and_concurrent_workers_resume_from_the_stored_step_and_apply_each_step_once()
    {
        const string tenant = "ro-resume";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c8", "ro-region-8");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-8", 1, "chat");
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200);
        await client.StartRolloutAsync(tenant, "chat", RolloutWorld.Canary("registry.example/llm:2", "1s", 0, 10, 40, 70));
        await Eventually.TrueAsync(() => emulator.RouteBackends(tenant, "chat") is [("chat", 90), ("chat-canary", 10)], "the route at step 0");

        // Three replicas pass at once, again and again, each a new instance; the rollout only moves by its stored state.
        var steps = new List<int>();
        await Eventually.MatchesAsync(async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
            {
                using var scope = app.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<RolloutProgression>().RunDueAsync(CancellationToken.None);
            }));
            var rollout = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.OK);
            steps.Add(rollout.RolloutStep());
            return rollout;
        }, r => r.RolloutPhase() != "progressing", "the rollout to end", TimeSpan.FromSeconds(90));

        var done = await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("promoted", done.RolloutPhase());
        Assert.Equal(steps.Order(), steps); // never backwards
        // Each run was recorded by one replica: their times differ, and each step was entered once (two advances, one promotion).
        var runs = done.Runs();
        Assert.Equal(runs.Count, runs.Select(r => r.GetProperty("at").GetString()).Distinct().Count());
        var actions = (await app.AuditAsync(tenant)).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(2, actions.Count(a => a == "rollout.step"));
        Assert.Single(actions, a => a == "rollout.promote");
        await Eventually.TrueAsync(() => emulator.RouteBackends(tenant, "chat") is [("chat", 100)] && emulator.Deployment(tenant, "chat-canary") is null,
            "the route back to the stable Deployment, the canary gone");
    }

    [Fact]
    public async Task While_the_Kubernetes_API_refuses_the_route_the_rollout_goes_on_and_the_route_converges_to_the_recorded_step()
    {
        const string tenant = "ro-converge";
        var (_, exporter) = await PrometheusServer.SharedAsync();
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterWithGatewayAsync("ro-c9", "ro-region-9");
        using var client = await app.TenantWithPlacementsAsync(tenant, "ro-region-9", 1, "chat");
        exporter.Serve("t-" + tenant, SloWorld.PodOf("chat"), ok: 200);
        exporter.Serve("t-" + tenant, RolloutWorld.CanaryPodOf("chat"), ok: 200);
        var fault = emulator.Faults.FailAllRequests(HttpStatusCode.ServiceUnavailable,
            new KubernetesEmulator.Faults.RequestScope($"/apis/gateway.networking.k8s.io/v1/namespaces/t-{tenant}/httproutes", "PATCH"));
        await client.StartRolloutAsync(tenant, "chat", RolloutWorld.Canary("registry.example/llm:2", "1s", 0, 10, 60, 90));

        // The canary is applied, the route keeps failing; meanwhile analysis moves the recorded step on to 1.
        await Eventually.TrueAsync(() => emulator.Deployment(tenant, "chat-canary") is not null && fault.Fired >= 2, "the canary applied, the route refused twice");
        await Eventually.MatchesAsync(async () =>
        {
            using var scope = app.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RolloutProgression>().RunDueAsync(CancellationToken.None);
            return await (await client.GetAsync($"/v1/tenants/{tenant}/placements/chat/rollouts/1")).ExpectAsync(HttpStatusCode.OK);
        }, r => r.RolloutStep() == 1, "step 1 recorded", TimeSpan.FromSeconds(60));
        Assert.Null(emulator.RouteBackends(tenant, "chat"));

        // The API recovers: the route converges to the recorded step's weights, not to the step it first failed to apply.
        emulator.Faults.Clear();
        await Eventually.TrueAsync(() => emulator.RouteBackends(tenant, "chat") is [("chat", 40), ("chat-canary", 60)], "the route at step 1's weights");
    }
}
