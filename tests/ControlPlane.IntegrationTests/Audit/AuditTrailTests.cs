namespace ControlPlane.IntegrationTests.Audit;

public sealed class AuditTrailTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Every_mutation_writes_one_event_with_actor_target_and_request_id()
    {
        using var op = await app.OperatorClientAsync();
        var created = await op.PostAsJsonAsync("/v1/tenants", new { name = "audited" });
        var requestId = created.Headers.GetValues("X-Request-Id").Single();
        await (await op.PutAsJsonAsync("/v1/tenants/audited/quotas/gpu.h100", new { limit = 4 })).ExpectAsync(HttpStatusCode.OK);
        await (await op.PostAsync("/v1/tenants/audited:suspend", null)).ExpectAsync(HttpStatusCode.OK);

        var page = await (await op.GetAsync("/v1/audit-events?tenant=audited")).ExpectAsync(HttpStatusCode.OK);
        var events = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["tenant.suspend", "quota.set", "tenant.create"], events.Select(e => e.GetProperty("action").GetString()));
        var create = events[^1];
        Assert.Equal(ControlPlaneApp.OperatorClientId, create.GetProperty("actor").GetString());
        Assert.Equal("tenants/audited", create.GetProperty("target").GetString());
        Assert.Equal("succeeded", create.GetProperty("outcome").GetString());
        Assert.Equal(requestId, create.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Tenant_admin_sees_only_its_own_tenant_and_lower_roles_see_nothing()
    {
        var mine = await app.CreateTenantWithAccountAsync("audit-mine");
        await app.CreateTenantWithAccountAsync("audit-theirs");
        var developer = await app.CreateAccountAsync("audit-mine", "dev", "developer");

        using var admin = app.ClientWithToken(mine.Token);
        var page = await (await admin.GetAsync("/v1/audit-events?pageSize=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(page.GetProperty("items").EnumerateArray(), e => Assert.Equal("audit-mine", e.GetProperty("tenant").GetString()));
        Assert.NotEqual(0, page.GetProperty("items").GetArrayLength());
        await (await admin.GetAsync("/v1/audit-events?tenant=audit-theirs")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");

        using var dev = app.ClientWithToken(developer.Token);
        await (await dev.GetAsync("/v1/audit-events")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Audit_events_are_paginated_and_filterable_by_action_prefix()
    {
        await app.CreateTenantWithAccountAsync("audit-pages");
        using var op = await app.OperatorClientAsync();
        for (var i = 0; i < 5; i++)
        {
            await (await op.PutAsJsonAsync("/v1/tenants/audit-pages/quotas/placements", new { limit = i })).ExpectAsync(HttpStatusCode.OK);
        }

        var first = await (await op.GetAsync("/v1/audit-events?tenant=audit-pages&action=quota.&pageSize=3")).ExpectAsync(HttpStatusCode.OK);
        var token = first.GetProperty("nextPageToken").GetString();
        var second = await (await op.GetAsync($"/v1/audit-events?tenant=audit-pages&action=quota.&pageSize=3&pageToken={Uri.EscapeDataString(token!)}"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("items").GetArrayLength());
        Assert.Equal(2, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKindNull, second.GetProperty("nextPageToken").ValueKind);
    }

    [Fact]
    public async Task The_database_refuses_to_rewrite_history()
    {
        await app.CreateTenantWithAccountAsync("audit-immutable");
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("DELETE FROM audit_events", connection);
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
