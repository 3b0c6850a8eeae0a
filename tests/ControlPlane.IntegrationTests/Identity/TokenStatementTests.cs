namespace ControlPlane.IntegrationTests.Identity;

/// <summary>
/// What one client-credentials token costs the database (issue 14's token regression): the client, its secret's hash and
/// the revocation epochs of the client and of its tenant come back in one statement, read in one snapshot before the
/// secret is checked (so a revocation that commits meanwhile still refuses the token).
/// </summary>
public sealed class TokenStatementTests(StatementCountingApp app) : IClassFixture<StatementCountingApp>
{
    [Fact]
    public async Task A_client_credentials_token_costs_one_statement_and_still_carries_both_revocation_epochs()
    {
        var ci = await app.CreateTenantWithAccountAsync("counted-token", "developer");
        using var anonymous = app.CreateClient();

        using var response = await anonymous.SendAsync(TokenRequest(ci, scope: "counted-token"));

        var body = await response.ExpectAsync(HttpStatusCode.OK);
        var count = app.Counter.For("counted-token");
        Assert.True(count.Statements == 1 && count.Checkouts == 1,
            $"{count.Statements} statements, {count.Checkouts} checkouts:\n{string.Join("\n---\n", count.Sql)}");
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("0", token.GetClaim("client_epoch").Value);
        Assert.Equal("0", token.GetClaim("tenant_epoch").Value);
        using var client = app.ClientWithToken(token.EncodedToken);
        await (await client.GetAsync("/v1/tenants/counted-token")).ExpectAsync(HttpStatusCode.OK);
    }

    private static HttpRequestMessage TokenRequest(TenantPrincipal principal, string scope) => new(HttpMethod.Post, "/connect/token")
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = principal.ClientId,
            ["client_secret"] = principal.ClientSecret,
        }),
        Headers = { { StatementCounter.Header, scope } },
    };
}
