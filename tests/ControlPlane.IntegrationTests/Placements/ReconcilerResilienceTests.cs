using ControlPlane.KubernetesEmulator.Faults;
using Npgsql;

namespace ControlPlane.IntegrationTests.Placements;

public sealed class ReconcilerResilienceTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Placements_stay_queued_while_the_api_refuses_connections_and_converge_when_it_returns()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("down");
        await emulator.StopListeningAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await (await client.PostAsJsonAsync("/v1/tenants/down/placements", Inference($"svc-{i}"))).ExpectAsync(HttpStatusCode.Created);
            }

            await Task.Delay(1500);
            Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM reconcile_requests r JOIN placements p ON p.id = r.placement_id WHERE p.tenant = 'down'"));
            Assert.True(await ScalarAsync("SELECT count(*) FROM reconcile_requests r JOIN placements p ON p.id = r.placement_id WHERE p.tenant = 'down' AND r.last_error IS NOT NULL") > 0);
        }
        finally
        {
            await emulator.ResumeListeningAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            await client.WaitForPlacementAsync("down", $"svc-{i}", _ => emulator.Get("apps/v1", "deployments", "t-down", $"svc-{i}") is not null);
        }

        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM reconcile_requests r JOIN placements p ON p.id = r.placement_id WHERE p.tenant = 'down'"));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "storm-503")]
    [InlineData(HttpStatusCode.Conflict, "storm-409")]
    [InlineData(HttpStatusCode.InternalServerError, "storm-500")]
    public async Task Error_storms_converge(HttpStatusCode status, string tenant)
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync(tenant);
        emulator.Faults.FailNextRequests(15, status, new RequestScope(PathPrefix: $"/apis/apps/v1/namespaces/t-{tenant}"));
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", Inference("web"))).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync(tenant, "web", _ => emulator.Get("apps/v1", "deployments", $"t-{tenant}", "web") is not null,
            TimeSpan.FromSeconds(40));
        emulator.MarkReady(tenant, "web", 1);
        await client.WaitForPlacementAsync(tenant, "web", p => p.Phase() == "running");
    }

    [Fact]
    public async Task A_lease_held_by_a_dead_worker_is_taken_over_after_it_expires_without_duplicate_objects()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("orphan");
        await emulator.StopListeningAsync();
        await (await client.PostAsJsonAsync("/v1/tenants/orphan/placements", Inference("svc"))).ExpectAsync(HttpStatusCode.Created);
        // A worker that died mid-request: its lease is still valid for two seconds.
        await ScalarAsync("""
            UPDATE reconcile_requests SET lease_owner = 'dead-worker', lease_expires_at = now() + interval '2 seconds', not_before = now()
            WHERE placement_id = (SELECT id FROM placements WHERE tenant = 'orphan') RETURNING 1
            """);
        await emulator.ResumeListeningAsync();
        await Task.Delay(800);
        Assert.Null(emulator.Get("apps/v1", "deployments", "t-orphan", "svc"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM reconcile_requests WHERE lease_owner = 'dead-worker'"));

        await client.WaitForPlacementAsync("orphan", "svc", _ => emulator.Get("apps/v1", "deployments", "t-orphan", "svc") is not null);
        Assert.Single(emulator.List("apps/v1", "deployments", "t-orphan"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM reconcile_requests WHERE lease_owner = 'dead-worker'"));
    }

    [Fact]
    public async Task A_refusal_that_can_never_succeed_fails_the_placement_with_the_reason_and_frees_its_capacity()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("refused");
        emulator.Faults.FailNextRequests(1, HttpStatusCode.Forbidden, new RequestScope(PathPrefix: "/apis/apps/v1/namespaces/t-refused/deployments"));
        await (await client.PostAsJsonAsync("/v1/tenants/refused/placements", Inference("nope"))).ExpectAsync(HttpStatusCode.Created);
        var failed = await client.WaitForPlacementAsync("refused", "nope", p => p.Phase() == "failed");
        Assert.Contains("refused", failed.GetProperty("status").GetProperty("message").GetString(), StringComparison.Ordinal);
        var quotas = await (await client.GetAsync("/v1/tenants/refused/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(quotas.GetProperty("items").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("used").GetInt64()));
    }

    [Fact]
    public async Task A_completed_job_succeeds_and_releases_its_gpus()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("batchy");
        await (await client.PostAsJsonAsync("/v1/tenants/batchy/placements", new
        {
            name = "train", kind = "training", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 4 },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync("batchy", "train", _ => emulator.Get("batch/v1", "jobs", "t-batchy", "train") is not null);
        emulator.SetJobSucceeded("t-batchy", "train", 1);
        var done = await client.WaitForPlacementAsync("batchy", "train", p => p.Phase() == "succeeded");
        Assert.Contains("succeeded", done.GetProperty("status").GetProperty("transitions").EnumerateArray().Select(t => t.GetProperty("phase").GetString()));
        var quotas = await (await client.GetAsync("/v1/tenants/batchy/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(quotas.GetProperty("items").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("used").GetInt64()));
    }

    [Fact]
    public async Task A_workload_deleted_behind_our_back_is_applied_again()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("drift");
        await (await client.PostAsJsonAsync("/v1/tenants/drift/placements", Inference("svc"))).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync("drift", "svc", _ => emulator.Get("apps/v1", "deployments", "t-drift", "svc") is not null);
        emulator.MarkReady("drift", "svc", 1);
        await client.WaitForPlacementAsync("drift", "svc", p => p.Phase() == "running");

        using var kubernetes = new k8s.Kubernetes(emulator.ClientConfiguration());
        await k8s.AppsV1OperationsExtensions.DeleteNamespacedDeploymentAsync(kubernetes.AppsV1, "svc", "t-drift");
        await client.WaitForPlacementAsync("drift", "svc", _ => emulator.Get("apps/v1", "deployments", "t-drift", "svc") is not null);
    }

    private async Task<HttpClient> SetUpAsync(string tenant)
    {
        var cluster = "c-" + tenant;
        await app.RegisterClusterAsync(cluster, region: "r-" + tenant);
        await app.CreatePoolAsync(cluster, GpuFleet.H100OnDemand("pool-" + tenant));
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "gpu.h100", 16);
        await app.SetQuotaAsync(tenant, "placements", 10);
        await app.RestrictToRegionAsync(tenant, "r-" + tenant);
        return app.ClientWithToken(ci.Token);
    }

    private static object Inference(string name) => new
    {
        name, kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
    };

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
