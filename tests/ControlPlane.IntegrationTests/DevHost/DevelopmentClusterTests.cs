using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ControlPlane.LocalCluster;

namespace ControlPlane.IntegrationTests.DevHost;

/// <summary>
/// The local development cluster of tools/ControlPlane.LocalCluster, started in-process exactly as its host starts it and
/// registered as scripts/register-local-cluster.sh registers it: its Nodes must make the pools of node-pools.json, its
/// stand-in kubelet must bring placements to running, and its TokenRequest endpoint must mint tokens the control plane accepts.
/// </summary>
public sealed class DevelopmentClusterTests(ControlPlaneApp app, DevelopmentClusterFixture host)
    : IClassFixture<ControlPlaneApp>, IClassFixture<DevelopmentClusterFixture>, IAsyncLifetime
{
    private const string Region = "dev-host";

    private DevelopmentCluster Cluster => host.Cluster;

    public Task InitializeAsync() => app.ArrangeOnceAsync("registered", RegisterAsync);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Capacity_sync_against_the_local_cluster_yields_the_node_pools_run_sh_registers()
    {
        using var op = await app.OperatorClientAsync();
        var pools = (await (await op.GetAsync("/v1/clusters/local/node-pools")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);

        Assert.Equal(["a100-mig", "h100-od", "h100-spot"], pools.Keys.Order());
        foreach (var declared in Cluster.Pools)
        {
            var synced = pools[(string)declared["name"]!];
            Assert.Equal((int)declared["nodeCount"]!, synced.GetProperty("nodeCount").GetInt32());
            Assert.Equal((int)declared["gpusPerNode"]!, synced.GetProperty("gpusPerNode").GetInt32());
            Assert.Equal((string)declared["capacityType"]!, synced.GetProperty("capacityType").GetString());
            Assert.Equal(
                (declared["migProfiles"] as JsonArray ?? []).Select(m => ((string)m!["profile"]!, (int)m["perGpu"]!)),
                synced.GetProperty("migProfiles").EnumerateArray().Select(m => (m.GetProperty("profile").GetString()!, m.GetProperty("perGpu").GetInt32())));
        }
    }

    [Fact]
    public async Task A_placement_on_the_local_cluster_runs_and_its_pods_token_exchanges_at_the_control_plane()
    {
        var ci = await app.CreateTenantWithAccountAsync("devhost", "developer");
        await app.RestrictToRegionAsync("devhost", Region);
        await app.SetQuotaAsync("devhost", "gpu.h100", 8);
        await app.SetQuotaAsync("devhost", "placements", 1);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/devhost/placements", new
        {
            name = "chat", kind = "inference", image = "registry.example/serve:1", replicas = new { min = 2, max = 3 },
            resources = new { gpuModel = "h100", gpusPerReplica = 1 },
        })).ExpectAsync(HttpStatusCode.Created);

        // Nobody marks the Deployment ready here: the local cluster's stand-in kubelet does, at the HPA's minimum.
        var running = await client.WaitForPlacementAsync("devhost", "chat", p => p.Phase() == "running");
        Assert.Equal("h100-od", running.GetProperty("status").GetProperty("nodePool").GetString());
        Assert.Equal(2, running.GetProperty("status").GetProperty("readyReplicas").GetInt32());

        var podToken = await TokenRequestAsync("t-devhost", "default", "controlplane");
        using var anonymous = app.CreateClient();
        var exchanged = await (await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["subject_token"] = podToken,
        }))).ExpectAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(exchanged.GetProperty("access_token").GetString()));
    }

    [Fact]
    public async Task The_token_request_endpoint_refuses_callers_without_theClusters_token()
    {
        using var http = new HttpClient { BaseAddress = Cluster.TokenRequestAddress };
        using var response = await http.PostAsJsonAsync("api/v1/namespaces/default/serviceaccounts/default/token",
            new { spec = new { audiences = new[] { "controlplane" } } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>What run.sh does once the host runs: register cluster "local" with its token and issuer, create its pools, sync.</summary>
    private async Task<bool> RegisterAsync()
    {
        var cluster = Cluster;
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsJsonAsync("/v1/clusters", new
        {
            name = "local", region = Region, apiServerUrl = cluster.Emulator.BaseAddress.ToString(), bearerToken = cluster.Emulator.BearerToken,
            serviceAccountIssuer = cluster.Emulator.ServiceAccountIssuer,
        })).ExpectAsync(HttpStatusCode.Created);
        foreach (var pool in cluster.Pools)
        {
            await app.CreatePoolAsync("local", Understated(pool));
        }

        await (await op.PostAsync("/v1/clusters/local/sync", null)).ExpectAsync(HttpStatusCode.OK);
        return true;
    }

    /// <summary>
    /// The pool with no nodes, one GPU per node (unless MIG: partitioned GPUs are not counted as nvidia.com/gpu) and one slice
    /// per GPU: only the cluster's Nodes can make the synced pool match node-pools.json.
    /// </summary>
    private static JsonObject Understated(JsonObject pool)
    {
        var understated = pool.DeepClone().AsObject();
        understated["nodeCount"] = 0;
        if (understated["migProfiles"] is JsonArray { Count: > 0 } migProfiles)
        {
            foreach (var mig in migProfiles.OfType<JsonObject>())
            {
                mig["perGpu"] = 1;
            }
        }
        else
        {
            understated["gpusPerNode"] = 1;
        }

        return understated;
    }

    private async Task<string> TokenRequestAsync(string ns, string serviceAccount, string audience)
    {
        using var http = new HttpClient { BaseAddress = Cluster.TokenRequestAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Cluster.Emulator.BearerToken);
        var response = await (await http.PostAsJsonAsync($"api/v1/namespaces/{ns}/serviceaccounts/{serviceAccount}/token", new
        {
            apiVersion = "authentication.k8s.io/v1", kind = "TokenRequest", spec = new { audiences = new[] { audience } },
        })).ExpectAsync(HttpStatusCode.Created);
        return response.GetProperty("status").GetProperty("token").GetString()!;
    }
}

/// <summary>The local cluster as its host starts it, on free ports, with a short readiness delay.</summary>
public sealed class DevelopmentClusterFixture : IAsyncLifetime
{
    public DevelopmentCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await DevelopmentCluster.StartAsync(new LocalClusterOptions { Port = 0, TokenPort = 0, ReadyAfter = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
