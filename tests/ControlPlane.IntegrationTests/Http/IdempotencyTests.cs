using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.IntegrationTests.Http;

public sealed class IdempotencyTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Same_key_and_body_replays_the_stored_response_without_a_second_write()
    {
        using var op = await app.OperatorClientAsync();
        var first = await op.SendAsync(Create("idem-replay", "key-1"));
        var firstBody = await first.ExpectAsync(HttpStatusCode.Created);
        var second = await op.SendAsync(Create("idem-replay", "key-1"));
        var secondBody = await second.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(firstBody.GetProperty("id").GetString(), secondBody.GetProperty("id").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await CountAuditAsync(op, "idem-replay", "tenant.create"));
    }

    [Fact]
    public async Task Same_key_with_a_different_body_is_422()
    {
        using var op = await app.OperatorClientAsync();
        await (await op.SendAsync(Create("idem-a", "key-2"))).ExpectAsync(HttpStatusCode.Created);
        await (await op.SendAsync(Create("idem-b", "key-2"))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await (await op.GetAsync("/v1/tenants/idem-b")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_duplicates_create_exactly_one_resource()
    {
        using var op = await app.OperatorClientAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => op.SendAsync(Create("idem-race", "key-3"))));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict, s.ToString()));
        Assert.Contains(HttpStatusCode.Created, statuses);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency-key-in-flight");
            Assert.NotNull(conflict.Headers.RetryAfter);
        }

        var ids = new HashSet<string>();
        foreach (var created in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            ids.Add((await created.JsonAsync()).GetProperty("id").GetString()!);
        }

        Assert.Single(ids);
        Assert.Equal(1, await CountAuditAsync(op, "idem-race", "tenant.create"));
    }

    [Fact]
    public async Task A_failed_request_does_not_burn_its_key()
    {
        using var op = await app.OperatorClientAsync();
        using var invalid = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants") { Content = JsonContent.Create(new { name = "Bad Name" }) };
        invalid.Headers.Add("Idempotency-Key", "key-4");
        await (await op.SendAsync(invalid)).ExpectAsync(HttpStatusCode.BadRequest);
        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants") { Content = JsonContent.Create(new { name = "Bad Name" }) };
        again.Headers.Add("Idempotency-Key", "key-4");
        await (await op.SendAsync(again)).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Keys_are_scoped_per_principal()
    {
        var admin = await app.CreateTenantWithAccountAsync("idem-scope");
        using var tenantClient = app.ClientWithToken(admin.Token);
        using var op = await app.OperatorClientAsync();
        using var a = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants/idem-scope/service-accounts") { Content = JsonContent.Create(new { name = "one", role = "viewer" }) };
        a.Headers.Add("Idempotency-Key", "shared-key");
        await (await tenantClient.SendAsync(a)).ExpectAsync(HttpStatusCode.Created);
        using var b = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants/idem-scope/service-accounts") { Content = JsonContent.Create(new { name = "two", role = "viewer" }) };
        b.Headers.Add("Idempotency-Key", "shared-key");
        await (await op.SendAsync(b)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_key_older_than_the_retention_starts_a_new_request()
    {
        using var op = await app.OperatorClientAsync();
        await (await op.SendAsync(Create("idem-old-a", "key-expiring"))).ExpectAsync(HttpStatusCode.Created);
        await AgeAsync("key-expiring", TimeSpan.FromHours(25));

        // Within the retention this body would be a 422; once the key expired, it is simply a new request.
        var reused = await op.SendAsync(Create("idem-old-b", "key-expiring"));
        await reused.ExpectAsync(HttpStatusCode.Created);
        Assert.False(reused.Headers.Contains("Idempotent-Replayed"));
        await (await op.GetAsync("/v1/tenants/idem-old-b")).ExpectAsync(HttpStatusCode.OK);

        // And the key protects the new request from now on.
        await (await op.SendAsync(Create("idem-old-c", "key-expiring"))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }

    [Fact]
    public async Task Pruning_deletes_expired_keys_and_keeps_live_ones()
    {
        using var op = await app.OperatorClientAsync();
        foreach (var i in Enumerable.Range(0, 3))
        {
            await (await op.SendAsync(Create($"idem-prune-{i}", $"key-prune-{i}"))).ExpectAsync(HttpStatusCode.Created);
        }

        await AgeAsync("key-prune-0", TimeSpan.FromHours(25));
        await AgeAsync("key-prune-1", TimeSpan.FromHours(23));

        var pruned = await app.Services.GetRequiredService<Infrastructure.Idempotency.IdempotencyKeyExpiry>().PruneAsync(CancellationToken.None);

        Assert.Equal(1, pruned);
        var left = await app.ColumnSqlAsync<string>("SELECT key FROM idempotency_records WHERE key LIKE 'key-prune-%' ORDER BY key");
        Assert.Equal(["key-prune-1", "key-prune-2"], left);
        // A live key still replays.
        var replay = await op.SendAsync(Create("idem-prune-1", "key-prune-1"));
        await replay.ExpectAsync(HttpStatusCode.Created);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
    }

    private Task<int> AgeAsync(string key, TimeSpan age) => app.ExecuteSqlAsync(
        "UPDATE idempotency_records SET claimed_at = claimed_at - @age, completed_at = completed_at - @age WHERE key = @key",
        ("age", age), ("key", key));

    private static HttpRequestMessage Create(string name, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants") { Content = JsonContent.Create(new { name }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<int> CountAuditAsync(HttpClient op, string tenant, string action)
    {
        var page = await (await op.GetAsync($"/v1/audit-events?tenant={tenant}&action={action}")).ExpectAsync(HttpStatusCode.OK);
        return page.GetProperty("items").GetArrayLength();
    }
}
