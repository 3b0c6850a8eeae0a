using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.KubernetesEmulator;

namespace PlacementBench;

/// <summary>The running service, seen through its API: an operator client and one developer client per tenant.</summary>
internal sealed class ApiSession(HttpClient http, string operatorToken)
{
    public const string Cluster = "bench-cluster";
    public const int TenantCount = 101; // t-000 … t-099 for admissions, plus "rec" for reconcile latency

    public HttpClient Http { get; } = http;
    public Dictionary<string, string> TenantTokens { get; } = new();
    public Dictionary<string, int> Admitted { get; } = new();

    public static async Task<ApiSession> StartAsync(BenchOptions options)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = options.Api,
            Timeout = TimeSpan.FromMinutes(5),
        };
        return new ApiSession(http, await TokenAsync(http, options.OperatorId, options.OperatorSecret));
    }

    /// <summary>One cluster (the in-process emulator), ten big H100 pools, and the tenants with generous quotas.</summary>
    public async Task RegisterFleetAsync(KubernetesApiEmulator emulator)
    {
        await ExpectAsync(HttpMethod.Post, "/v1/clusters", new
        {
            name = Cluster, region = "eu-north1", apiServerUrl = emulator.BaseAddress.ToString(), bearerToken = emulator.BearerToken,
        });
        for (var p = 0; p < 10; p++)
        {
            await ExpectAsync(HttpMethod.Post, $"/v1/clusters/{Cluster}/node-pools", new
            {
                name = $"h100-{p}", gpuModel = "h100", gpuMemoryGiB = 80, gpusPerNode = 8, nodeCount = 1000, capacityType = "on-demand",
                purposes = new[] { "inference", "training" }, labels = new Dictionary<string, string> { ["pool"] = $"h100-{p}" },
                pricePerGpuHour = 2.50m + p / 100m,
            });
        }

        foreach (var tenant in Enumerable.Range(0, TenantCount - 1).Select(i => $"t-{i:D3}").Append("rec"))
        {
            await ExpectAsync(HttpMethod.Post, "/v1/tenants", new { name = tenant });
            await ExpectAsync(HttpMethod.Put, $"/v1/tenants/{tenant}/quotas/gpu.h100", new { limit = 1_000_000 });
            await ExpectAsync(HttpMethod.Put, $"/v1/tenants/{tenant}/quotas/placements", new { limit = 1_000_000 });
            var account = await ExpectAsync(HttpMethod.Post, $"/v1/tenants/{tenant}/service-accounts", new { name = "ci", role = "developer" });
            TenantTokens[tenant] = await TokenAsync(Http, account.GetProperty("clientId").GetString()!, account.GetProperty("clientSecret").GetString()!);
            Admitted[tenant] = 0;
        }
    }

    public HttpRequestMessage Admission(string tenant, string name) => new(HttpMethod.Post, $"/v1/tenants/{tenant}/placements")
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", TenantTokens[tenant]) },
        Content = JsonContent.Create(new { name, kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 } }),
    };

    /// <summary>Zero overcommit: every tenant's gpu.h100 use equals what was admitted, and the pools hold exactly the total.</summary>
    public async Task<(bool Passed, string Detail)> CheckAccountingAsync()
    {
        foreach (var (tenant, admitted) in Admitted)
        {
            var quotas = await ExpectAsync(HttpMethod.Get, $"/v1/tenants/{tenant}/quotas", null);
            var used = quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "gpu.h100").GetProperty("used").GetInt64();
            if (used != admitted)
            {
                return (false, $"{tenant}: quota used {used} ≠ {admitted} admitted");
            }
        }

        var pools = await ExpectAsync(HttpMethod.Get, $"/v1/clusters/{Cluster}/node-pools?pageSize=200", null);
        var allocated = pools.GetProperty("items").EnumerateArray().Sum(p => p.GetProperty("capacity").GetProperty("allocatedGpus").GetInt64());
        var total = Admitted.Values.Sum();
        return allocated == total ? (true, $"quota and pools = {total:N0} admitted") : (false, $"pools hold {allocated} ≠ {total} admitted");
    }

    public Task<JsonElement> OperatorAsync(HttpMethod method, string path, object? body) => ExpectAsync(method, path, body);

    public Task<JsonElement> TenantAsync(HttpMethod method, string tenant, string path, object? body) => ExpectAsync(method, path, body, TenantTokens[tenant]);

    private async Task<JsonElement> ExpectAsync(HttpMethod method, string path, object? body, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? operatorToken);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> TokenAsync(HttpClient http, string clientId, string secret)
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }
}
