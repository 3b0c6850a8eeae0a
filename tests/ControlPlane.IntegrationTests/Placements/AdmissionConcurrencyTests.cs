using Npgsql;

namespace ControlPlane.IntegrationTests.Placements;

public sealed class AdmissionConcurrencyTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Two_hundred_concurrent_admissions_never_exceed_quota_or_pool_capacity_and_every_refusal_says_why()
    {
        await app.RegisterClusterAsync("hot", region: "hot-region");
        await app.CreatePoolAsync("hot", GpuFleet.H100OnDemand("hot-pool", nodeCount: 2)); // 16 GPUs
        var ci = await app.CreateTenantWithAccountAsync("busy", "developer");
        await app.SetQuotaAsync("busy", "gpu.h100", 12);
        await app.SetQuotaAsync("busy", "placements", 1000);
        await app.RestrictToRegionAsync("busy", "hot-region");
        using var client = app.ClientWithToken(ci.Token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.PostAsJsonAsync("/v1/tenants/busy/placements", new
        {
            name = $"p-{i}", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })));

        var admitted = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(12, admitted);
        foreach (var refusal in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refusal.ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");
            Assert.Contains("gpu.h100", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT used FROM quotas WHERE resource = 'gpu.h100'), (SELECT allocated_gpus FROM node_pools WHERE name = 'hot-pool'), (SELECT count(*) FROM placements)",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(12, reader.GetInt64(0));
        Assert.Equal(12, reader.GetInt32(1));
        Assert.Equal(12, reader.GetInt64(2));
    }

    [Fact]
    public async Task Concurrent_admissions_of_two_tenants_never_overcommit_a_shared_pool()
    {
        await app.RegisterClusterAsync("shared", region: "shared-region");
        await app.CreatePoolAsync("shared", GpuFleet.H100OnDemand("shared-pool", nodeCount: 1)); // 8 GPUs
        var clients = new List<HttpClient>();
        foreach (var tenant in new[] { "team-a", "team-b" })
        {
            var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
            await app.SetQuotaAsync(tenant, "gpu.h100", 100);
            await app.SetQuotaAsync(tenant, "placements", 100);
            await app.RestrictToRegionAsync(tenant, "shared-region");
            clients.Add(app.ClientWithToken(ci.Token));
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => clients[i % 2].PostAsJsonAsync(
            $"/v1/tenants/team-{(i % 2 == 0 ? "a" : "b")}/placements", new
            {
                name = $"job-{i}", kind = "training", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
            })));

        Assert.Equal(8, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refusal in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refusal.ExpectProblemAsync(HttpStatusCode.Conflict, "insufficient-capacity");
            Assert.True(problem.TryGetProperty("decision", out _));
        }

        using var op = await app.OperatorClientAsync();
        var pool = await (await op.GetAsync("/v1/clusters/shared/node-pools/shared-pool")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(8, pool.GetProperty("capacity").GetProperty("allocatedGpus").GetInt32());
    }

    [Fact]
    public async Task The_same_idempotency_key_fifty_times_at_once_makes_one_placement_one_outbox_row_and_one_set_of_objects()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("idem", region: "idem-region");
        await app.CreatePoolAsync("idem", GpuFleet.H100OnDemand("idem-pool"));
        var ci = await app.CreateTenantWithAccountAsync("idem-tenant", "developer");
        await app.SetQuotaAsync("idem-tenant", "gpu.h100", 8);
        await app.SetQuotaAsync("idem-tenant", "placements", 8);
        await app.RestrictToRegionAsync("idem-tenant", "idem-region");
        using var client = app.ClientWithToken(ci.Token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants/idem-tenant/placements")
            {
                Content = JsonContent.Create(new { name = "once", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 2 } }),
            };
            request.Headers.Add("Idempotency-Key", "deploy-once");
            return client.SendAsync(request);
        }));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var ids = new HashSet<string>();
        foreach (var created in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            ids.Add((await created.JsonAsync()).GetProperty("id").GetString()!);
        }

        Assert.Single(ids);
        await client.WaitForPlacementAsync("idem-tenant", "once", _ => emulator.Get("apps/v1", "deployments", "t-idem-tenant", "once") is not null);
        Assert.Single(emulator.List("apps/v1", "deployments", "t-idem-tenant"));
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM placements p JOIN tenants t ON t.id = p.tenant_id WHERE t.name = 'idem-tenant'), " +
            "(SELECT count(*) FROM audit_events WHERE tenant = 'idem-tenant' AND action = 'placement.create'), " +
            "(SELECT used FROM quotas q JOIN tenants t ON t.id = q.tenant_id WHERE t.name = 'idem-tenant' AND resource = 'gpu.h100')", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt64(1));
        Assert.Equal(2, reader.GetInt64(2));
        // One apply of the workload reached the cluster (the outbox row was processed once).
        Assert.Single(emulator.Requests, r => r.Method == "PATCH" && r.Path.EndsWith("/deployments/once", StringComparison.Ordinal));
    }
}
