using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>
/// Tokens forged with the service's own signing key are accepted only when every claim is right: the first test
/// proves the forging works, so each 401 below is caused by exactly the one thing that differs.
/// </summary>
public sealed class AccessTokenValidationTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task A_correctly_forged_token_is_accepted()
    {
        await app.CreateTenantWithAccountAsync("forge-ok");
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(await ForgeAsync()));
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var token = await ForgeAsync(expires: DateTime.UtcNow.AddMinutes(-10), issuedAt: DateTime.UtcNow.AddMinutes(-20));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(token));
    }

    [Fact]
    public async Task Wrong_audience_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(await ForgeAsync(audience: "model-store")));
    }

    [Fact]
    public async Task Wrong_issuer_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(await ForgeAsync(issuer: "https://evil.example/")));
    }

    [Fact]
    public async Task Tampered_payload_is_401()
    {
        var token = await ForgeAsync();
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("viewer", "tenant-admin", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(tampered));
    }

    [Fact]
    public async Task Unsigned_alg_none_token_is_401()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        var payload = (await ForgeAsync()).Split('.')[1];
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync($"{header}.{payload}."));
    }

    [Fact]
    public async Task Token_signed_by_another_key_is_401()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(await ForgeAsync(key: new ECDsaSecurityKey(other) { KeyId = "attacker" })));
    }

    [Fact]
    public async Task A_token_in_the_query_string_or_the_form_is_refused()
    {
        var token = await ForgeAsync();
        Assert.NotEqual(HttpStatusCode.Unauthorized, await CallWithAsync(token)); // the same token, in the Authorization header
        using var client = app.CreateClient();
        await (await client.GetAsync($"/v1/tenants/forge-ok?access_token={token}")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var form = await client.PostAsync("/v1/tenants/forge-ok:suspend", new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = token }));
        Assert.Equal(HttpStatusCode.Unauthorized, form.StatusCode);
    }

    [Fact]
    public async Task Missing_token_is_401_problem_with_challenge()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/v1/tenants");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Issued_tokens_verify_against_the_published_jwks_with_a_standard_library()
    {
        var principal = await app.CreateTenantWithAccountAsync("jwks-check", "viewer");
        using var client = app.CreateClient();
        var discovery = await (await client.GetAsync("/.well-known/openid-configuration")).ExpectAsync(HttpStatusCode.OK);
        var issuer = discovery.GetProperty("issuer").GetString()!;
        Assert.Contains("client_credentials", discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        var jwks = new JsonWebKeySet(await client.GetStringAsync(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(principal.Token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = "controlplane-api",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("ES256", ((JsonWebToken)result.SecurityToken).Alg);
        Assert.Equal("jwks-check", result.Claims["tenant"]);
    }

    private async Task<HttpStatusCode> CallWithAsync(string token)
    {
        using var client = app.ClientWithToken(token);
        return (await client.GetAsync("/v1/tenants/forge-ok")).StatusCode;
    }

    private async Task<string> ForgeAsync(string? audience = null, string? issuer = null, DateTime? expires = null, DateTime? issuedAt = null,
        SecurityKey? key = null)
    {
        using var client = app.CreateClient();
        var discovery = await (await client.GetAsync("/.well-known/openid-configuration")).ExpectAsync(HttpStatusCode.OK);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? discovery.GetProperty("issuer").GetString(),
            Audience = audience ?? "controlplane-api",
            IssuedAt = issuedAt ?? now,
            NotBefore = issuedAt ?? now,
            Expires = expires ?? now.AddMinutes(5),
            TokenType = "at+jwt",
            Subject = new ClaimsIdentity([new Claim("sub", "forged"), new Claim("tenant", "forge-ok"), new Claim("role", "viewer")]),
            SigningCredentials = new SigningCredentials(key ?? await ServiceSigningKeyAsync(), SecurityAlgorithms.EcdsaSha256),
        });
    }

    private async Task<SecurityKey> ServiceSigningKeyAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT private_key_pem FROM signing_keys LIMIT 1", connection);
        var pem = (string)(await command.ExecuteScalarAsync())!;
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new ECDsaSecurityKey(ecdsa) { KeyId = Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
    }
}
