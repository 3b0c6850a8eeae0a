namespace ControlPlane.IntegrationTests.Placements;

/// <summary>
/// What one admission costs the database, for a tenant without a budget or monthly money quotas: the hot path of
/// issue 14. Before it, an admission sent 20 statements (22 with an Idempotency-Key) over 7 pool checkouts; now one
/// connection carries the tenant read, BEGIN, the reservation, one batch of inserts and COMMIT.
/// </summary>
public sealed class AdmissionStatementTests(StatementCountingApp app) : IClassFixture<StatementCountingApp>
{
    private const int MaxStatements = 8;

    // The key's claim (an advisory lock, then the claim row) and its stored response, in the same transaction.
    private const int IdempotencyKeyStatements = 3;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task One_admission_sends_at_most_eight_statements_plus_the_idempotency_keys_three_over_one_connection(bool idempotencyKey)
    {
        var tenant = idempotencyKey ? "counted-key" : "counted";
        await app.RegisterClusterAsync($"{tenant}-c", region: $"{tenant}-region");
        await app.CreatePoolAsync($"{tenant}-c", GpuFleet.H100OnDemand($"{tenant}-pool", nodeCount: 1));
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "gpu.h100", 8);
        await app.SetQuotaAsync(tenant, "placements", 10);
        await app.RestrictToRegionAsync(tenant, $"{tenant}-region");
        using var client = app.ClientWithToken(ci.Token);
        // The first admission warms what a replica keeps in memory; the second is the steady state being counted.
        await (await Admit(client, tenant, "warm", idempotencyKey)).ExpectAsync(HttpStatusCode.Created);

        var response = await Admit(client, tenant, "counted", idempotencyKey, scope: tenant);

        var placement = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"{tenant}-pool", placement.GetProperty("status").GetProperty("nodePool").GetString());
        var count = app.Counter.For(tenant);
        Assert.True(count.Statements <= MaxStatements + (idempotencyKey ? IdempotencyKeyStatements : 0),
            $"{count.Statements} statements, {count.RoundTrips} round trips, {count.Checkouts} checkouts:\n{string.Join("\n---\n", count.Sql)}");
        Assert.Equal(1, count.Checkouts);
    }

    private static Task<HttpResponseMessage> Admit(HttpClient client, string tenant, string name, bool idempotencyKey, string? scope = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{tenant}/placements")
        {
            Content = JsonContent.Create(new { name, kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 } }),
        };
        if (idempotencyKey)
        {
            request.Headers.Add("Idempotency-Key", $"{tenant}-{name}");
        }

        if (scope is not null)
        {
            request.Headers.Add(Fixtures.StatementCounter.Header, scope);
        }

        return client.SendAsync(request);
    }
}
