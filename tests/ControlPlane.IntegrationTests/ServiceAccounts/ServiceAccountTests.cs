namespace ControlPlane.IntegrationTests.ServiceAccounts;

public sealed class ServiceAccountTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Tenant_admin_creates_an_account_whose_token_carries_tenant_and_role()
    {
        var admin = await app.CreateTenantWithAccountAsync("sa-create");
        using var client = app.ClientWithToken(admin.Token);
        var created = await client.PostAsJsonAsync("/v1/tenants/sa-create/service-accounts", new { name = "deployer", role = "developer", description = "CI" });
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var clientId = body.GetProperty("clientId").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        Assert.StartsWith("sa-create.deployer.", clientId, StringComparison.Ordinal);
        Assert.Equal("developer", body.GetProperty("serviceAccount").GetProperty("role").GetString());

        var token = await app.TokenAsync(clientId, secret);
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        Assert.Equal("sa-create", jwt.GetClaim("tenant").Value);
        Assert.Equal("developer", jwt.GetClaim("role").Value);
        Assert.Contains("controlplane-api", jwt.Audiences);
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));

        // The secret is shown once: reads never return it.
        var read = await client.GetAsync("/v1/tenants/sa-create/service-accounts/deployer");
        var text = await read.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("clientSecret", text, StringComparison.Ordinal);
        var list = await (await client.GetAsync("/v1/tenants/sa-create/service-accounts")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("name").GetString() == "deployer");
    }

    [Fact]
    public async Task Secret_is_stored_hashed()
    {
        var admin = await app.CreateTenantWithAccountAsync("sa-hash");
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT client_secret FROM oidc_applications WHERE client_id = $1", connection);
        command.Parameters.AddWithValue(admin.ClientId);
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.NotEqual(admin.ClientSecret, stored);
        Assert.DoesNotContain(admin.ClientSecret, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_refuses_the_old_secret_and_accepts_the_new_one()
    {
        var admin = await app.CreateTenantWithAccountAsync("sa-rotate");
        var pipeline = await app.CreateAccountAsync("sa-rotate", "pipeline", "developer");
        using var client = app.ClientWithToken(admin.Token);
        var rotated = await (await client.PostAsync("/v1/tenants/sa-rotate/service-accounts/pipeline:rotate-secret", null)).ExpectAsync(HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(pipeline.ClientSecret, newSecret);

        var old = await app.RequestTokenAsync(pipeline.ClientId, pipeline.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        var fresh = await app.RequestTokenAsync(pipeline.ClientId, newSecret);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Deleted_account_gets_no_new_token()
    {
        var admin = await app.CreateTenantWithAccountAsync("sa-delete");
        var doomed = await app.CreateAccountAsync("sa-delete", "doomed", "viewer");
        using var client = app.ClientWithToken(admin.Token);
        await (await client.DeleteAsync("/v1/tenants/sa-delete/service-accounts/doomed")).ExpectAsync(HttpStatusCode.NoContent);

        var refused = await app.RequestTokenAsync(doomed.ClientId, doomed.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_client", (await refused.JsonAsync()).GetProperty("error").GetString());
        await (await client.GetAsync("/v1/tenants/sa-delete/service-accounts/doomed")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Developer_and_viewer_cannot_manage_accounts_and_viewer_cannot_mutate()
    {
        await app.CreateTenantWithAccountAsync("sa-roles");
        var developer = await app.CreateAccountAsync("sa-roles", "dev", "developer");
        var viewer = await app.CreateAccountAsync("sa-roles", "view", "viewer");
        foreach (var principal in new[] { developer, viewer })
        {
            using var client = app.ClientWithToken(principal.Token);
            await (await client.PostAsJsonAsync("/v1/tenants/sa-roles/service-accounts", new { name = "x", role = "viewer" }))
                .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await client.DeleteAsync("/v1/tenants/sa-roles/service-accounts/dev")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        using var viewerClient = app.ClientWithToken(viewer.Token);
        await (await viewerClient.GetAsync("/v1/tenants/sa-roles")).ExpectAsync(HttpStatusCode.OK);
        await (await viewerClient.GetAsync("/v1/tenants/sa-roles/quotas")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Suspended_tenant_cannot_create_accounts_but_can_read()
    {
        var admin = await app.CreateTenantWithAccountAsync("sa-suspended");
        using var op = await app.OperatorClientAsync();
        await (await op.PostAsync("/v1/tenants/sa-suspended:suspend", null)).ExpectAsync(HttpStatusCode.OK);
        // Tokens issued before the suspension are revoked (TokenRevocationTests); a new one reads but cannot create.
        using var client = app.ClientWithToken(await app.NewTokenAsync(admin.ClientId, admin.ClientSecret));
        await (await client.PostAsJsonAsync("/v1/tenants/sa-suspended/service-accounts", new { name = "late", role = "viewer" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-suspended");
        await (await client.GetAsync("/v1/tenants/sa-suspended/service-accounts")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Missing_role_and_bad_name_are_400()
    {
        var admin = await app.CreateTenantWithAccountAsync("sa-invalid");
        using var client = app.ClientWithToken(admin.Token);
        var problem = await (await client.PostAsJsonAsync("/v1/tenants/sa-invalid/service-accounts", new { name = "-bad-" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
    }
}
