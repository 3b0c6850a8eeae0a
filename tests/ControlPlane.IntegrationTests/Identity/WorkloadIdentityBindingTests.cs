using ControlPlane.Cli;
using ControlPlane.KubernetesEmulator;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>
/// Workload identity for in-cluster CI: a tenant admin binds a Kubernetes service account of the tenant's namespace on a
/// registered cluster to one of the tenant's service accounts; the pod's projected token, exchanged (RFC 8693) with the
/// API audience, becomes an API token with that account's role — never across tenants, never for an unbound account.
/// </summary>
public sealed class WorkloadIdentityBindingTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>, IAsyncLifetime
{
    private const string Cluster = "wi-c";
    private static readonly string[] ControlPlaneAudience = ["controlplane"];

    private KubernetesApiEmulator _cluster = null!;
    private (TenantPrincipal Admin, TenantPrincipal Ci) _wi;
    private (TenantPrincipal Admin, TenantPrincipal Ci) _other;

    public async Task InitializeAsync()
    {
        _cluster = await app.EmulatorAsync();
        (_wi, _other) = await app.ArrangeOnceAsync("workload-identity-world", async () =>
        {
            await app.RegisterClusterAsync(Cluster, acceptWorkloadTokens: true);
            return (await TenantAsync("wi"), await TenantAsync("wi-other"));
        });
    }

    private async Task<(TenantPrincipal Admin, TenantPrincipal Ci)> TenantAsync(string tenant)
    {
        var admin = await app.CreateTenantWithAccountAsync(tenant, "tenant-admin");
        await app.SetQuotaAsync(tenant, "placements", 4);
        return (admin, await app.CreateAccountAsync(tenant, "ci", "developer"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string PodToken(string ns, string serviceAccount) =>
        _cluster.IssueServiceAccountToken(ns, serviceAccount, ControlPlaneAudience, TimeSpan.FromMinutes(10));

    private async Task<HttpResponseMessage> ExchangeAsync(string subjectToken, string? audience = "controlplane-api")
    {
        using var anonymous = app.CreateClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange", ["subject_token"] = subjectToken,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        };
        if (audience is not null)
        {
            form["audience"] = audience;
        }

        return await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    private async Task<HttpResponseMessage> BindAsync(TenantPrincipal admin, string name, string ns, string serviceAccount, string boundTo = "ci")
    {
        using var client = app.ClientWithToken(admin.Token);
        return await client.PostAsJsonAsync($"/v1/tenants/{admin.Tenant}/service-accounts/{boundTo}/workload-identity-bindings",
            new { name, cluster = Cluster, @namespace = ns, kubernetesServiceAccount = serviceAccount });
    }

    [Fact]
    public async Task A_bound_service_account_gets_an_API_token_with_the_accounts_role_and_deleting_the_binding_stops_further_exchanges()
    {
        var created = await (await BindAsync(_wi.Admin, "runner", "t-wi", "ci-runner")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("system:serviceaccount:t-wi:ci-runner", created.GetProperty("subject").GetString());
        var podToken = PodToken("t-wi", "ci-runner");

        var exchanged = await (await ExchangeAsync(podToken)).ExpectAsync(HttpStatusCode.OK);
        var token = exchanged.GetProperty("access_token").GetString()!;
        var claims = new JsonWebToken(token);
        Assert.Equal(["controlplane-api"], claims.Audiences);
        Assert.Equal(_wi.Ci.ClientId, claims.Subject);
        Assert.Equal("developer", claims.GetClaim("role").Value);
        Assert.Equal("wi", claims.GetClaim("tenant").Value);

        // The developer role: it may register a model, not create a service account; another tenant's routes are 404.
        using (var asWorkload = app.ClientWithToken(token))
        {
            await (await asWorkload.PostAsJsonAsync("/v1/tenants/wi/models", new { name = "built-in-cluster" })).ExpectAsync(HttpStatusCode.Created);
            Assert.Equal(HttpStatusCode.Forbidden, (await asWorkload.PostAsJsonAsync("/v1/tenants/wi/service-accounts", new { name = "x", role = "viewer" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await asWorkload.GetAsync("/v1/tenants/wi-other/placements")).StatusCode);
        }

        var audit = await app.AuditAsync("wi");
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "workload-identity-binding.create");
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "workload-identity.api-token-exchange"
            && e.GetProperty("actor").GetString() == "system:serviceaccount:t-wi:ci-runner");

        using var admin = app.ClientWithToken(_wi.Admin.Token);
        var listed = await (await admin.GetAsync("/v1/tenants/wi/service-accounts/ci/workload-identity-bindings")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), b => b.GetProperty("name").GetString() == "runner");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v1/tenants/wi/service-accounts/ci/workload-identity-bindings/runner")).StatusCode);
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(podToken), "invalid_grant", "bound to no service account");
    }

    [Fact]
    public async Task Unbound_service_accounts_other_tenants_namespaces_and_other_audiences_are_refused()
    {
        await (await BindAsync(_other.Admin, "runner", "t-wi-other", "deployer")).ExpectAsync(HttpStatusCode.Created);

        // A tenant cannot bind another tenant's namespace.
        var foreign = await BindAsync(_wi.Admin, "foreign", "t-wi-other", "deployer");
        var problem = await foreign.JsonAsync();
        Assert.True(foreign.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        Assert.Contains("t-wi", problem.GetProperty("errors").GetProperty("namespace")[0].GetString(), StringComparison.Ordinal);

        // The same Kubernetes name in the other tenant's namespace is another, unbound, subject; an unbound one is refused and audited.
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken("t-wi", "deployer")), "invalid_grant", "system:serviceaccount:t-wi:deployer");
        Assert.Contains(await app.AuditAsync("wi"), e => e.GetProperty("action").GetString() == "workload-identity.api-token-exchange"
            && e.GetProperty("outcome").GetString() == "refused" && e.GetProperty("actor").GetString() == "system:serviceaccount:t-wi:deployer");
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken("t-wi-other", "deployer"), audience: "another-api"), "invalid_target", "audience");

        // The bound one acts in its own tenant only.
        var token = (await (await ExchangeAsync(PodToken("t-wi-other", "deployer"))).ExpectAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
        using var asWorkload = app.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await asWorkload.GetAsync("/v1/tenants/wi-other/placements")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asWorkload.GetAsync("/v1/tenants/wi/placements")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_service_account_refuses_the_API_tokens_issued_through_its_binding_within_seconds()
    {
        await app.CreateAccountAsync("wi", "short-lived", "viewer");
        await (await BindAsync(_wi.Admin, "job", "t-wi", "one-off-job", boundTo: "short-lived")).ExpectAsync(HttpStatusCode.Created);
        var token = (await (await ExchangeAsync(PodToken("t-wi", "one-off-job"))).ExpectAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
        using var asWorkload = app.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await asWorkload.GetAsync("/v1/tenants/wi/placements")).StatusCode);

        using var admin = app.ClientWithToken(_wi.Admin.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v1/tenants/wi/service-accounts/short-lived")).StatusCode);

        await Eventually.MatchesAsync(async () => (await asWorkload.GetAsync("/v1/tenants/wi/placements")).StatusCode,
            status => status == HttpStatusCode.Unauthorized, "the workload's token refused", TimeSpan.FromSeconds(10));
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken("t-wi", "one-off-job")), "invalid_grant", "bound to no service account");
    }

    [Fact]
    public async Task Concurrent_identical_bindings_create_one_and_refuse_the_rest_with_409()
    {
        const int Attempts = 8;
        var answers = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(_ => Task.Run(() => BindAsync(_wi.Admin, "racer", "t-wi", "raced"))));

        var statuses = answers.Select(a => a.StatusCode).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1 && statuses.Count(s => s == HttpStatusCode.Conflict) == Attempts - 1,
            string.Join(", ", statuses));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            var problem = await refused.JsonAsync();
            Assert.EndsWith("/already-exists", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.Contains("system:serviceaccount:t-wi:raced", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var admin = app.ClientWithToken(_wi.Admin.Token);
        var listed = await (await admin.GetAsync("/v1/tenants/wi/service-accounts/ci/workload-identity-bindings")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(listed.GetProperty("items").EnumerateArray(), b => b.GetProperty("kubernetesServiceAccount").GetString() == "raced");
    }

    [Fact]
    public async Task The_CLI_with_a_token_file_runs_commands_as_the_bound_service_account()
    {
        await (await BindAsync(_wi.Admin, "cli-runner", "t-wi", "pipeline")).ExpectAsync(HttpStatusCode.Created);
        var file = Path.Combine(Directory.CreateTempSubdirectory("controlplane-sa-").FullName, "token");
        await File.WriteAllTextAsync(file, PodToken("t-wi", "pipeline") + "\n");
        using var cli = new CliRunner(app);

        var byOption = await cli.RunAsync("placements", "list", "-o", "json", "--token-file", file);
        var byEnvironment = await cli.With("CONTROLPLANE_TOKEN_FILE", file).RunAsync("models", "list", "-o", "json");

        Assert.True(byOption.ExitCode == ExitCodes.Ok, byOption.ToString());
        Assert.True(byEnvironment.ExitCode == ExitCodes.Ok, byEnvironment.ToString());
        Assert.Equal(1, cli.Requests.Count("/connect/token"));
        Assert.Equal(1, cli.Requests.Count("/v1/tenants/wi/models"));
    }
}
