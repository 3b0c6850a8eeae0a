using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>
/// Another replica of the service on the same database. Its poll comes once a minute (the longest allowed), so within a
/// test only PostgreSQL notifications can bring it a revocation: what it refuses proves the cross-replica path.
/// </summary>
public sealed class NotifiedReplica(string connectionString) : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:ControlPlane"] = connectionString,
        ["Identity:RevocationPollInterval"] = "00:01:00",
    };
}

/// <summary>
/// Deleting a service account, suspending or deleting its tenant, or rotating its secret with revokeExistingTokens
/// refuses the tokens it already holds within seconds, on every replica, even those in the verified-token cache.
/// </summary>
public sealed class TokenRevocationTests(ControlPlaneApp app, ITestOutputHelper output) : IClassFixture<ControlPlaneApp>, IAsyncLifetime
{
    /// <summary>The bound the README states; measured delays are far below it.</summary>
    private static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(5);

    private NotifiedReplica _replica = null!;

    public async Task InitializeAsync()
    {
        _replica = new NotifiedReplica(app.ConnectionString);
        await _replica.InitializeAsync();
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    [Fact]
    public async Task Deleting_a_service_account_refuses_its_live_token_on_every_replica_within_seconds()
    {
        using var op = await app.OperatorClientAsync();
        var principal = await app.CreateTenantWithAccountAsync("revoke-sa");
        var delays = new List<TimeSpan>();
        for (var round = 0; round < 5; round++)
        {
            var account = await app.CreateAccountAsync("revoke-sa", $"doomed-{round}", "viewer");
            // Both replicas have verified (and cached) the token before the deletion.
            await ExpectStatusAsync(app, account.Token, "revoke-sa", HttpStatusCode.OK);
            await ExpectStatusAsync(_replica, account.Token, "revoke-sa", HttpStatusCode.OK);

            await (await op.DeleteAsync($"/v1/tenants/revoke-sa/service-accounts/doomed-{round}")).ExpectAsync(HttpStatusCode.NoContent);
            var deleted = Stopwatch.StartNew();
            await RefusedWithinBoundAsync(_replica, account.Token, "revoke-sa");
            delays.Add(deleted.Elapsed);
            await RefusedWithinBoundAsync(app, account.Token, "revoke-sa");
        }

        // Another account of the same tenant is untouched.
        await ExpectStatusAsync(_replica, principal.Token, "revoke-sa", HttpStatusCode.OK);
        delays.Sort();
        output.WriteLine($"revocation delay on the other replica: median {delays[delays.Count / 2].TotalMilliseconds:0} ms, "
            + $"max {delays[^1].TotalMilliseconds:0} ms over {delays.Count} deletions");
    }

    [Fact]
    public async Task A_replica_that_authenticated_a_client_before_refuses_it_a_token_once_it_is_deleted_or_rotated()
    {
        using var op = await app.OperatorClientAsync();
        await app.CreateTenantWithAccountAsync("revoke-issuer");
        var doomed = await app.CreateAccountAsync("revoke-issuer", "doomed", "viewer");
        var rotated = await app.CreateAccountAsync("revoke-issuer", "rotated", "viewer");
        foreach (var account in new[] { doomed, rotated })
        {
            await (await _replica.RequestTokenAsync(account.ClientId, account.ClientSecret)).ExpectAsync(HttpStatusCode.OK);
        }

        await (await op.DeleteAsync("/v1/tenants/revoke-issuer/service-accounts/doomed")).ExpectAsync(HttpStatusCode.NoContent);
        await (await op.PostAsync("/v1/tenants/revoke-issuer/service-accounts/rotated:rotate-secret", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _replica.RequestTokenAsync(doomed.ClientId, doomed.ClientSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _replica.RequestTokenAsync(rotated.ClientId, rotated.ClientSecret)).StatusCode);
    }

    [Fact]
    public async Task Suspending_a_tenant_refuses_its_live_tokens_and_a_new_token_can_still_read()
    {
        using var op = await app.OperatorClientAsync();
        var principal = await app.CreateTenantWithAccountAsync("revoke-suspend", "developer");
        await ExpectStatusAsync(_replica, principal.Token, "revoke-suspend", HttpStatusCode.OK);

        await (await op.PostAsync("/v1/tenants/revoke-suspend:suspend", null)).ExpectAsync(HttpStatusCode.OK);
        await RefusedWithinBoundAsync(_replica, principal.Token, "revoke-suspend");
        await RefusedWithinBoundAsync(app, principal.Token, "revoke-suspend");

        // A token requested after the suspension works, as a suspended tenant does: it can read.
        var fresh = await app.NewTokenAsync(principal.ClientId, principal.ClientSecret);
        await ExpectStatusAsync(_replica, fresh, "revoke-suspend", HttpStatusCode.OK);
        await ExpectStatusAsync(app, fresh, "revoke-suspend", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_a_tenant_refuses_the_live_tokens_of_its_accounts()
    {
        using var op = await app.OperatorClientAsync();
        var principal = await app.CreateTenantWithAccountAsync("revoke-tenant", "viewer");
        await ExpectStatusAsync(_replica, principal.Token, "revoke-tenant", HttpStatusCode.OK);

        await (await op.DeleteAsync("/v1/tenants/revoke-tenant")).ExpectAsync(HttpStatusCode.NoContent);
        // A 404 would mean the token still passed authentication.
        await RefusedWithinBoundAsync(_replica, principal.Token, "revoke-tenant");
    }

    [Fact]
    public async Task Rotating_with_revokeExistingTokens_refuses_old_tokens_and_the_new_secret_works_at_once()
    {
        using var op = await app.OperatorClientAsync();
        var principal = await app.CreateTenantWithAccountAsync("revoke-rotate", "viewer");
        await ExpectStatusAsync(_replica, principal.Token, "revoke-rotate", HttpStatusCode.OK);

        var rotated = await (await op.PostAsync($"/v1/tenants/revoke-rotate/service-accounts/{principal.Name}:rotate-secret?revokeExistingTokens=true", null))
            .ExpectAsync(HttpStatusCode.OK);
        var secret = rotated.GetProperty("clientSecret").GetString()!;
        await RefusedWithinBoundAsync(_replica, principal.Token, "revoke-rotate");

        // Tokens from the new secret, with client_secret_post or client_secret_basic, are not caught by the revocation.
        await ExpectStatusAsync(_replica, await app.NewTokenAsync(principal.ClientId, secret), "revoke-rotate", HttpStatusCode.OK);
        await ExpectStatusAsync(app, await BasicTokenAsync(principal.ClientId, secret), "revoke-rotate", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Rotating_without_revokeExistingTokens_keeps_live_tokens_working()
    {
        using var op = await app.OperatorClientAsync();
        var principal = await app.CreateTenantWithAccountAsync("keep-rotate", "viewer");
        await (await op.PostAsync($"/v1/tenants/keep-rotate/service-accounts/{principal.Name}:rotate-secret", null)).ExpectAsync(HttpStatusCode.OK);
        // A revocation under way would reach the notified replica first; a later revocation on the same tables is the witness.
        var witness = await app.CreateAccountAsync("keep-rotate", "witness", "viewer");
        await (await op.DeleteAsync("/v1/tenants/keep-rotate/service-accounts/witness")).ExpectAsync(HttpStatusCode.NoContent);
        await RefusedWithinBoundAsync(_replica, witness.Token, "keep-rotate");
        await ExpectStatusAsync(_replica, principal.Token, "keep-rotate", HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_revocation_whose_notification_was_lost_is_applied_by_the_poll()
    {
        var principal = await app.CreateTenantWithAccountAsync("revoke-poll", "viewer");
        await ExpectStatusAsync(app, principal.Token, "revoke-poll", HttpStatusCode.OK);

        // Written behind the service's back: no NOTIFY, as if the listener had been down when it was committed.
        await ExecuteAsync(app.ConnectionString,
            "INSERT INTO token_revocations (principal, epoch, revoked_at) VALUES ($1, nextval('token_revocation_epochs'), now())",
            "client:" + principal.ClientId);
        await RefusedWithinBoundAsync(app, principal.Token, "revoke-poll");
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_database_connection_is_killed()
    {
        using var op = await app.OperatorClientAsync();
        var principal = await app.CreateTenantWithAccountAsync("revoke-reconnect", "viewer");
        var doomed = await app.CreateAccountAsync("revoke-reconnect", "doomed", "viewer");
        await ExpectStatusAsync(_replica, doomed.Token, "revoke-reconnect", HttpStatusCode.OK);

        // Both replicas' listening sessions die, as in a database restart or failover. The notified replica's poll is a
        // minute away: only a listener that reconnects (and re-reads what it missed) brings it the deletion in time.
        await Eventually.MatchesAsync(() => ScalarAsync<long>(app.ConnectionString, ListenersSql("1")), n => n >= 2, "both replicas listening");
        Assert.True(await ScalarAsync<long>(app.ConnectionString, ListenersSql("pg_terminate_backend(pid)::int")) >= 2);

        await (await op.DeleteAsync("/v1/tenants/revoke-reconnect/service-accounts/doomed")).ExpectAsync(HttpStatusCode.NoContent);
        await RefusedWithinBoundAsync(_replica, doomed.Token, "revoke-reconnect");
        await ExpectStatusAsync(_replica, principal.Token, "revoke-reconnect", HttpStatusCode.OK);
    }

    private static string ListenersSql(string select) =>
        $"SELECT coalesce(sum({select}), 0) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN token_revocations%'";

    private static async Task ExpectStatusAsync(ControlPlaneApp replica, string token, string tenant, HttpStatusCode status)
    {
        using var client = replica.ClientWithToken(token);
        await (await client.GetAsync($"/v1/tenants/{tenant}")).ExpectAsync(status);
    }

    private static async Task RefusedWithinBoundAsync(ControlPlaneApp replica, string token, string tenant)
    {
        using var client = replica.ClientWithToken(token);
        var response = await Eventually.MatchesAsync(() => client.GetAsync($"/v1/tenants/{tenant}"),
            r => r.StatusCode == HttpStatusCode.Unauthorized, "the revoked token refused", RevocationBound);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);
    }

    private async Task<string> BasicTokenAsync(string clientId, string secret)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return (await (await client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = parameter } } };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
