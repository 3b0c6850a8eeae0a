using ControlPlane.KubernetesEmulator;
using Npgsql;

namespace ControlPlane.IntegrationTests.Placements;

public sealed class ClusterApiTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Cluster_credentials_never_appear_in_responses_logs_or_the_database_in_plain_text()
    {
        var emulator = await app.EmulatorAsync();
        const string caPem = "-----BEGIN CERTIFICATE-----\nMIIBsecretCAsecretCA\n-----END CERTIFICATE-----\n";
        using var op = await app.OperatorClientAsync();
        var responses = new List<string>
        {
            await (await op.PostAsJsonAsync("/v1/clusters", new
            {
                name = "secret-c", region = "eu-north1", apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = emulator.BearerToken, caCertificatePem = caPem,
            })).Content.ReadAsStringAsync(),
            await (await op.GetAsync("/v1/clusters/secret-c")).Content.ReadAsStringAsync(),
            await (await op.GetAsync("/v1/clusters")).Content.ReadAsStringAsync(),
            await (await op.PostAsync("/v1/clusters/secret-c/sync", null)).Content.ReadAsStringAsync(),
            await (await op.GetAsync("/v1/audit-events?pageSize=200")).Content.ReadAsStringAsync(),
        };
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/clusters/secret-c")
        {
            Content = JsonContent.Create(new { apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = emulator.BearerToken }),
        })
        {
            responses.Add(await (await op.SendAsync(patch)).Content.ReadAsStringAsync());
        }

        foreach (var response in responses)
        {
            Assert.DoesNotContain(emulator.BearerToken, response, StringComparison.Ordinal);
            Assert.DoesNotContain("secretCA", response, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(emulator.BearerToken, StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var dump = new NpgsqlCommand("SELECT c::text FROM clusters c", connection);
        var rows = new List<string>();
        await using (var reader = await dump.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.DoesNotContain(emulator.BearerToken, row, StringComparison.Ordinal));
        Assert.All(rows, row => Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(emulator.BearerToken)).ToLowerInvariant(), row, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_reads_node_capacity_from_the_cluster()
    {
        var emulator = await app.EmulatorAsync();
        await app.RegisterClusterAsync("sync-c");
        await app.CreatePoolAsync("sync-c", GpuFleet.H100OnDemand("sync-pool", nodeCount: 1));
        var labels = new Dictionary<string, string> { ["accelerator"] = "h100", ["pool"] = "sync-pool" };
        for (var i = 0; i < 3; i++)
        {
            emulator.PutNode($"gpu-node-{i}", new Dictionary<string, string> { ["nvidia.com/gpu"] = "8", ["cpu"] = "96" }, labels);
        }

        emulator.PutNode("cpu-node", new Dictionary<string, string> { ["cpu"] = "32" }, new Dictionary<string, string> { ["role"] = "system" });
        using var op = await app.OperatorClientAsync();
        var cluster = await (await op.PostAsync("/v1/clusters/sync-c/sync", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(cluster.GetProperty("status").GetProperty("reachable").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, cluster.GetProperty("status").GetProperty("lastSyncAt").ValueKind);
        var pool = await (await op.GetAsync("/v1/clusters/sync-c/node-pools/sync-pool")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, pool.GetProperty("nodeCount").GetInt32());
        Assert.Equal(24, pool.GetProperty("capacity").GetProperty("totalGpus").GetInt32());
    }

    [Fact]
    public async Task An_unreachable_cluster_is_reported_and_avoided()
    {
        await app.RegisterClusterAsync("gone-c", region: "gone-r");
        using var op = await app.OperatorClientAsync();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/clusters/gone-c")
        {
            Content = JsonContent.Create(new { apiServerUrl = "http://127.0.0.1:9/", bearerToken = "x" }),
        };
        await (await op.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK);
        var cluster = await (await op.PostAsync("/v1/clusters/gone-c/sync", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.False(cluster.GetProperty("status").GetProperty("reachable").GetBoolean());
        Assert.False(string.IsNullOrEmpty(cluster.GetProperty("status").GetProperty("lastSyncError").GetString()));

        await app.CreatePoolAsync("gone-c", GpuFleet.H100OnDemand("gone-pool"));
        var ci = await app.CreateTenantWithAccountAsync("gone-t", "developer");
        await app.SetQuotaAsync("gone-t", "gpu.h100", 8);
        await app.SetQuotaAsync("gone-t", "placements", 8);
        await app.RestrictToRegionAsync("gone-t", "gone-r");
        using var client = app.ClientWithToken(ci.Token);
        var problem = await (await client.PostAsJsonAsync("/v1/tenants/gone-t/placements", new
        {
            name = "x", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "insufficient-capacity");
        Assert.Contains("cluster-unavailable", problem.GetProperty("decision").GetProperty("candidates").EnumerateArray()
            .Select(c => c.GetProperty("reasonCode").GetString()));
    }

    [Theory]
    [InlineData("token\r\nX-Injected: 1", "ctl-crlf")]
    [InlineData("token\n", "ctl-lf")]
    [InlineData("tok\0en", "ctl-nul")]
    [InlineData("tok\u001ben", "ctl-esc")]
    public async Task A_bearer_token_with_control_characters_is_refused_at_registration_and_update(string token, string name)
    {
        var emulator = await app.EmulatorAsync();
        using var op = await app.OperatorClientAsync();
        var created = await (await op.PostAsJsonAsync("/v1/clusters", new
        {
            name = "ctl-c", region = "eu-north1", apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = token,
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("control characters", created.GetProperty("errors").GetProperty("bearerToken")[0].GetString(), StringComparison.Ordinal);
        await (await op.GetAsync("/v1/clusters/ctl-c")).ExpectAsync(HttpStatusCode.NotFound);

        await app.RegisterClusterAsync(name);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/v1/clusters/{name}")
        {
            Content = JsonContent.Create(new { apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = token }),
        };
        var updated = await (await op.SendAsync(patch)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(updated.GetProperty("errors").TryGetProperty("bearerToken", out _));
        var synced = await (await op.PostAsync($"/v1/clusters/{name}/sync", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(synced.GetProperty("status").GetProperty("reachable").GetBoolean()); // the old credentials stayed
    }

    [Fact]
    public async Task A_kubeconfig_whose_token_or_text_holds_control_characters_is_refused()
    {
        // An emulator of its own: its issuer must not be one another test's cluster has already discovered.
        await using var emulator = await KubernetesApiEmulator.StartAsync();
        using var op = await app.OperatorClientAsync();
        var valid = emulator.KubeconfigYaml();
        var escapedCrLf = valid.Replace("token: " + emulator.BearerToken, $"token: \"{emulator.BearerToken}\\r\\nX-Injected: 1\"", StringComparison.Ordinal);
        Assert.NotEqual(valid, escapedCrLf);
        foreach (var kubeconfig in new[] { escapedCrLf, valid + "\0" })
        {
            var problem = await (await op.PostAsJsonAsync("/v1/clusters", new { name = "kc-ctl", region = "eu-north1", kubeconfig }))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            Assert.Contains("control characters", problem.GetProperty("errors").GetProperty("kubeconfig")[0].GetString(), StringComparison.Ordinal);
        }

        await (await op.PostAsJsonAsync("/v1/clusters", new { name = "kc-ok", region = "eu-north1", kubeconfig = valid })).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Invalid_cluster_and_pool_fields_are_400_and_deletes_in_use_are_409()
    {
        using var op = await app.OperatorClientAsync();
        var problem = await (await op.PostAsJsonAsync("/v1/clusters", new { name = "Bad", region = "", apiServerUrl = "ftp://x" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "region", "apiServerUrl", "bearerToken" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        await app.RegisterClusterAsync("busy-c");
        var pool = await (await op.PostAsJsonAsync("/v1/clusters/busy-c/node-pools", new
        {
            name = "p", gpuModel = "H 100", gpuMemoryGiB = 0, gpusPerNode = 32, nodeCount = -1, purposes = Array.Empty<string>(),
            migProfiles = new[] { new { profile = "9g.1gb", perGpu = 9 } }, taints = new[] { new { key = "k", value = "v", effect = "Sometimes" } },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        foreach (var field in new[] { "gpuModel", "gpuMemoryGiB", "gpusPerNode", "nodeCount", "purposes", "pricePerGpuHour", "migProfiles[0].profile", "migProfiles[0].perGpu", "taints[0].effect" })
        {
            Assert.True(pool.GetProperty("errors").TryGetProperty(field, out _), field);
        }

        await app.CreatePoolAsync("busy-c", GpuFleet.H100OnDemand("busy-pool"));
        await (await op.DeleteAsync("/v1/clusters/busy-c")).ExpectProblemAsync(HttpStatusCode.Conflict, "cluster-has-node-pools");
        await (await op.DeleteAsync("/v1/clusters/busy-c/node-pools/busy-pool")).ExpectAsync(HttpStatusCode.NoContent);
        await (await op.DeleteAsync("/v1/clusters/busy-c")).ExpectAsync(HttpStatusCode.NoContent);
    }
}

public sealed class ProductionLikeApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["Clusters:AllowInsecureApiServers"] = "false" };
}

public sealed class InsecureApiServerTests(ProductionLikeApp app) : IClassFixture<ProductionLikeApp>
{
    [Fact]
    public async Task An_http_api_server_is_refused_outside_development()
    {
        using var op = await app.OperatorClientAsync();
        var problem = await (await op.PostAsJsonAsync("/v1/clusters", new { name = "plain", region = "eu-north1", apiServerUrl = "http://10.0.0.1:6443", bearerToken = "t" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("https", problem.GetProperty("errors").GetProperty("apiServerUrl")[0].GetString(), StringComparison.Ordinal);
    }
}
