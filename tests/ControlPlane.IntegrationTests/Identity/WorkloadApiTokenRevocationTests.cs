using System.Data.Common;
using ControlPlane.Infrastructure.Persistence;
using ControlPlane.KubernetesEmulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>Runs an action once, right after the first statement whose SQL contains a fragment has been answered.</summary>
public sealed class AfterStatementHook : IDbCommandInterceptor
{
    private (string Fragment, Func<Task> Action)? _armed;

    public void Arm(string sqlFragment, Func<Task> action) => _armed = (sqlFragment, action);

    public async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        if (_armed is { } armed && command.CommandText.Contains(armed.Fragment, StringComparison.Ordinal))
        {
            _armed = null;
            await armed.Action();
        }

        return result;
    }
}

/// <summary>A <see cref="StatementCountingApp"/> whose tests can commit something between two statements of a request.</summary>
public sealed class StatementHookApp : StatementCountingApp
{
    public AfterStatementHook Hook => Services.GetRequiredService<AfterStatementHook>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<AfterStatementHook>();
            services.ConfigureDbContext<ControlPlaneDbContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<AfterStatementHook>()));
        });
    }
}

/// <summary>
/// An API token from the workload exchange carries the revocation epochs read in the same snapshot as the binding that
/// allowed it: a service account deleted after that read refuses the token, however soon after.
/// </summary>
public sealed class WorkloadApiTokenRevocationTests(StatementHookApp app) : IClassFixture<StatementHookApp>, IAsyncLifetime
{
    private const string Cluster = "wr-c";
    private const string Tenant = "wr";
    private static readonly string[] ControlPlaneAudience = ["controlplane"];

    private KubernetesApiEmulator _cluster = null!;
    private TenantPrincipal _admin = null!;

    public async Task InitializeAsync()
    {
        _cluster = await app.EmulatorAsync();
        _admin = await app.ArrangeOnceAsync("workload-revocation-world", async () =>
        {
            await app.RegisterClusterAsync(Cluster, acceptWorkloadTokens: true);
            return await app.CreateTenantWithAccountAsync(Tenant, "tenant-admin");
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> BoundPodTokenAsync(string account, string kubernetesServiceAccount)
    {
        await app.CreateAccountAsync(Tenant, account, "viewer");
        using var admin = app.ClientWithToken(_admin.Token);
        await (await admin.PostAsJsonAsync($"/v1/tenants/{Tenant}/service-accounts/{account}/workload-identity-bindings",
            new { name = "job", cluster = Cluster, @namespace = "t-" + Tenant, kubernetesServiceAccount })).ExpectAsync(HttpStatusCode.Created);
        return _cluster.IssueServiceAccountToken("t-" + Tenant, kubernetesServiceAccount, ControlPlaneAudience, TimeSpan.FromMinutes(10));
    }

    private async Task<JsonWebToken> ExchangeAsync(string podToken, string scope)
    {
        using var anonymous = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange", ["subject_token"] = podToken,
                ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt", ["audience"] = "controlplane-api",
            }),
            Headers = { { StatementCounter.Header, scope } },
        };
        var body = await (await anonymous.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        return new JsonWebToken(body.GetProperty("access_token").GetString());
    }

    [Fact]
    public async Task The_exchange_reads_both_revocation_epochs_in_the_statement_that_finds_the_binding()
    {
        var podToken = await BoundPodTokenAsync("snapshot", "snapshot-job");

        var token = await ExchangeAsync(podToken, "exchange-snapshot");

        var reads = app.Counter.For("exchange-snapshot").Sql.Where(sql => sql.Contains("token_revocations", StringComparison.Ordinal)).ToList();
        var read = Assert.Single(reads);
        Assert.Contains("workload_identity_bindings", read, StringComparison.Ordinal);
        Assert.Equal("0", token.GetClaim("client_epoch").Value);
        Assert.Equal("0", token.GetClaim("tenant_epoch").Value);
    }

    [Fact]
    public async Task A_token_whose_binding_was_read_before_its_service_account_was_deleted_is_refused()
    {
        var podToken = await BoundPodTokenAsync("doomed", "doomed-job");
        using var admin = app.ClientWithToken(_admin.Token);
        // The deletion commits after the exchange has read the binding and before it signs the token.
        app.Hook.Arm("workload_identity_bindings", async () =>
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/tenants/{Tenant}/service-accounts/doomed")).StatusCode));

        var token = await ExchangeAsync(podToken, "exchange-race");

        using var asWorkload = app.ClientWithToken(token.EncodedToken);
        await Eventually.MatchesAsync(async () => (await asWorkload.GetAsync($"/v1/tenants/{Tenant}/placements")).StatusCode,
            status => status == HttpStatusCode.Unauthorized, "the token issued across the deletion refused", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_token_exchanged_after_its_service_accounts_tokens_were_revoked_is_accepted()
    {
        var podToken = await BoundPodTokenAsync("rotated", "rotated-job");
        using var admin = app.ClientWithToken(_admin.Token);
        await (await admin.PostAsync($"/v1/tenants/{Tenant}/service-accounts/rotated:rotate-secret?revokeExistingTokens=true", null))
            .ExpectAsync(HttpStatusCode.OK);

        var token = await ExchangeAsync(podToken, "exchange-after-revocation");

        using var asWorkload = app.ClientWithToken(token.EncodedToken);
        Assert.Equal(HttpStatusCode.OK, (await asWorkload.GetAsync($"/v1/tenants/{Tenant}/placements")).StatusCode);
    }
}
