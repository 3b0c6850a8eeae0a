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
