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
                await (await client.PostAsJsonAsync("/v1/tenants/down/placements", GpuFleet.OneH100Inference($"svc-{i}"))).ExpectAsync(HttpStatusCode.Created);
            }

            // The fault fired: every request was tried against the closed port and kept with the error.
            await Eventually.MatchesAsync(
                () => ScalarAsync("SELECT count(*) FROM reconcile_requests r JOIN placements p ON p.id = r.placement_id WHERE p.tenant = 'down' AND r.last_error IS NOT NULL"),
                failed => failed == 3, "three reconcile requests failing against the refused connection");
            Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM reconcile_requests r JOIN placements p ON p.id = r.placement_id WHERE p.tenant = 'down'"));
            Assert.Null(emulator.Get("apps/v1", "deployments", "t-down", "svc-0"));
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
        var storm = emulator.Faults.FailNextRequests(15, status, new RequestScope(PathPrefix: $"/apis/apps/v1/namespaces/t-{tenant}"));
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/placements", GpuFleet.OneH100Inference("web"))).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync(tenant, "web", _ => emulator.Get("apps/v1", "deployments", $"t-{tenant}", "web") is not null,
            TimeSpan.FromSeconds(40));
        emulator.MarkReady(tenant, "web", 1);
        await client.WaitForPlacementAsync(tenant, "web", p => p.Phase() == "running");
        Assert.Equal(15, storm.Fired);
    }

    [Fact]
    public async Task A_lease_held_by_a_dead_worker_is_taken_over_after_it_expires_without_duplicate_objects()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("orphan");
        await emulator.StopListeningAsync();
        await (await client.PostAsJsonAsync("/v1/tenants/orphan/placements", GpuFleet.OneH100Inference("svc"))).ExpectAsync(HttpStatusCode.Created);
        // A worker that died mid-request: its lease is still valid for two seconds. Taken once the live worker's first
        // attempt has failed and given its own lease back, so that no attempt is still under way.
        var leaseExpiresAt = (DateTime)await Eventually.MatchesAsync(() => ScalarAsync<object>("""
            UPDATE reconcile_requests SET lease_owner = 'dead-worker', lease_expires_at = now() + interval '2 seconds', not_before = now()
            WHERE placement_id = (SELECT id FROM placements WHERE tenant = 'orphan') AND lease_owner IS NULL AND last_error IS NOT NULL
            RETURNING lease_expires_at
            """), expires => expires is DateTime, "the request leased by a worker that then dies");
        await emulator.ResumeListeningAsync();

        await client.WaitForPlacementAsync("orphan", "svc", _ => emulator.Get("apps/v1", "deployments", "t-orphan", "svc") is not null);
        Assert.Single(emulator.List("apps/v1", "deployments", "t-orphan"));
        // Nobody touched the workload while the dead worker's lease was valid.
        var firstApply = emulator.Requests.Where(r => r.Method == "PATCH" && r.Path == "/apis/apps/v1/namespaces/t-orphan/deployments/svc").Min(r => r.ReceivedAt);
        Assert.True(firstApply >= new DateTimeOffset(leaseExpiresAt, TimeSpan.Zero), $"applied at {firstApply:O}, before the lease expired at {leaseExpiresAt:O}");
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM reconcile_requests WHERE lease_owner = 'dead-worker'"));
    }

    [Fact]
    public async Task A_refusal_that_can_never_succeed_fails_the_placement_with_the_reason_and_frees_its_capacity()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("refused");
        var forbidden = emulator.Faults.FailNextRequests(1, HttpStatusCode.Forbidden, new RequestScope(PathPrefix: "/apis/apps/v1/namespaces/t-refused/deployments"));
        await (await client.PostAsJsonAsync("/v1/tenants/refused/placements", GpuFleet.OneH100Inference("nope"))).ExpectAsync(HttpStatusCode.Created);
        var failed = await client.WaitForPlacementAsync("refused", "nope", p => p.Phase() == "failed");
        Assert.Equal(1, forbidden.Fired);
        Assert.Contains("refused", failed.GetProperty("status").GetProperty("message").GetString(), StringComparison.Ordinal);
        var quotas = await (await client.GetAsync("/v1/tenants/refused/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(quotas.GetProperty("items").EnumerateArray(), q => Assert.Equal(0, q.GetProperty("used").GetInt64()));
    }

    [Fact]
    public async Task A_refusal_longer_than_the_message_column_is_stored_cut_to_fit_and_fails_the_placement_once()
    {
        var emulator = await app.EmulatorAsync();
        var client = await SetUpAsync("verbose");
        var reason = "admission webhook denied the request: " + string.Concat(Enumerable.Repeat("spec.template.spec.containers[0] is invalid; ", 300));
        var refusal = emulator.Faults.FailNextRequests(1, HttpStatusCode.UnprocessableEntity,
            new RequestScope(PathPrefix: "/apis/apps/v1/namespaces/t-verbose/deployments"), reason);
        await (await client.PostAsJsonAsync("/v1/tenants/verbose/placements", GpuFleet.OneH100Inference("long"))).ExpectAsync(HttpStatusCode.Created);

        var failed = await client.WaitForPlacementAsync("verbose", "long", p => p.Phase() == "failed");
        Assert.Equal(1, refusal.Fired);
        var message = failed.GetProperty("status").GetProperty("message").GetString()!;
        Assert.Equal(2000, message.Length);
        Assert.StartsWith("the cluster refused the placement: ", message, StringComparison.Ordinal);
        Assert.EndsWith("…", message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM reconcile_requests r JOIN placements p ON p.id = r.placement_id WHERE p.tenant = 'verbose'"));
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
        await (await client.PostAsJsonAsync("/v1/tenants/drift/placements", GpuFleet.OneH100Inference("svc"))).ExpectAsync(HttpStatusCode.Created);
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

    private async Task<long> ScalarAsync(string sql) =>
        Convert.ToInt64(await ScalarAsync<object>(sql), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync() ?? 0L);
    }
}
