namespace ControlPlane.IntegrationTests.Identity;

public sealed class TokenEndpointTests(ControlPlaneApp app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Wrong_secret_is_refused()
    {
        var principal = await app.CreateTenantWithAccountAsync("token-wrong");
        var response = await app.RequestTokenAsync(principal.ClientId, principal.ClientSecret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_client_id_and_a_wrong_secret_are_answered_identically()
    {
        var principal = await app.CreateTenantWithAccountAsync("token-enumerate");
        var unknown = await ComparableAttemptAsync("token-enumerate.nobody.0000", principal.ClientSecret);
        var wrongSecret = await ComparableAttemptAsync(principal.ClientId, principal.ClientSecret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(unknown.Status, wrongSecret.Status);
        Assert.Equal(unknown.Body, wrongSecret.Body);

        // Timing: medians over alternating attempts, within a factor of three of each other (a slow password hash on one
        // path only would be ~100×; the margin absorbs a CI machine shared with other suites).
        var times = (Unknown: new List<double>(), Wrong: new List<double>());
        for (var i = 0; i < 15; i++)
        {
            times.Unknown.Add((await ComparableAttemptAsync($"token-enumerate.nobody.{i}", principal.ClientSecret)).Milliseconds);
            times.Wrong.Add((await ComparableAttemptAsync(principal.ClientId, principal.ClientSecret + i)).Milliseconds);
        }

        var (unknownMedian, wrongMedian) = (Median(times.Unknown), Median(times.Wrong));
        output.WriteLine($"median answer: unknown client {unknownMedian:0.0} ms, wrong secret {wrongMedian:0.0} ms");
        Assert.InRange(unknownMedian / wrongMedian, 1 / 3.0, 3.0);
    }

    [Fact]
    public async Task A_client_id_with_a_nul_character_is_an_oauth_invalid_request()
    {
        var response = await app.RequestTokenAsync("\0", "whatever");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).GetProperty("error").GetString());

        using var client = app.CreateClient();
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        basic.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("\0:whatever"u8.ToArray()));
        var viaBasic = await client.SendAsync(basic);
        Assert.Equal(HttpStatusCode.BadRequest, viaBasic.StatusCode);
        Assert.Equal("invalid_request", (await viaBasic.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Operator_token_carries_the_operator_role_and_no_tenant()
    {
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(
            await app.TokenAsync(ControlPlaneApp.OperatorClientId, ControlPlaneApp.OperatorClientSecret));
        Assert.Equal("platform-operator", token.GetClaim("role").Value);
        Assert.False(token.TryGetClaim("tenant", out _));
        Assert.Equal(ControlPlaneApp.OperatorClientId, token.Subject);
    }

    [Fact]
    public async Task Signing_key_survives_a_restart_so_live_tokens_stay_valid()
    {
        var principal = await app.CreateTenantWithAccountAsync("token-restart");
        await using var restarted = new SecondInstance(app.ConnectionString);
        await restarted.InitializeAsync();
        using var client = restarted.ClientWithToken(principal.Token);
        await (await client.GetAsync("/v1/tenants/token-restart")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Client_secret_basic_works_as_swagger_ui_sends_it()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes($"{ControlPlaneApp.OperatorClientId}:{ControlPlaneApp.OperatorClientSecret}")));
        var token = await (await client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.InRange(token.GetProperty("expires_in").GetInt32(), 60, 900);
    }

    [Fact]
    public async Task Unsupported_grant_is_refused()
    {
        using var client = app.CreateClient();
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "u", ["password"] = "p",
            ["client_id"] = ControlPlaneApp.OperatorClientId, ["client_secret"] = ControlPlaneApp.OperatorClientSecret,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    private async Task<(HttpStatusCode Status, string Body, double Milliseconds)> ComparableAttemptAsync(string clientId, string secret)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await app.RequestTokenAsync(clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, clock.Elapsed.TotalMilliseconds);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Another process of the service on the same database (a restart, or a second replica).</summary>
    private sealed class SecondInstance(string connectionString) : ControlPlaneApp
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
            new Dictionary<string, string?> { ["ConnectionStrings:ControlPlane"] = connectionString };
    }
}
