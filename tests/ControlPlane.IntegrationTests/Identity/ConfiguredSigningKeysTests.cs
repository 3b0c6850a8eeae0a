using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>Production-like identity: keys from configuration (two, for rollover) and HTTPS required.</summary>
public sealed class ProductionIdentityApp : ControlPlaneApp
{
    public static readonly string ActiveKeyPem = NewKey();
    public static readonly string NextKeyPem = NewKey();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Identity:PersistGeneratedKeys"] = "false",
        ["Identity:AllowInsecureHttp"] = "false",
        ["Identity:SigningKeys:0:Pem"] = ActiveKeyPem,
        ["Identity:SigningKeys:1:Pem"] = NextKeyPem,
    };

    public HttpClient HttpsClient() => CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

    private static string NewKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}

public sealed class ConfiguredSigningKeysTests(ProductionIdentityApp app) : IClassFixture<ProductionIdentityApp>
{
    [Fact]
    public async Task Both_configured_keys_are_published_and_the_first_signs()
    {
        using var client = app.HttpsClient();
        var jwks = new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks"));
        Assert.Equal(2, jwks.Keys.Count);
        var token = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ControlPlaneApp.OperatorClientId, ["client_secret"] = ControlPlaneApp.OperatorClientSecret,
        }));
        var accessToken = (await token.ExpectAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
        var signedWith = new JsonWebToken(accessToken).Kid;
        using var active = ECDsa.Create();
        active.ImportFromPem(ProductionIdentityApp.ActiveKeyPem);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(active.ExportSubjectPublicKeyInfo()))[..16], signedWith);

        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        await (await client.GetAsync("/v1/tenants")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Plain_http_is_refused_but_probes_answer()
    {
        using var http = app.CreateClient();
        await (await http.GetAsync("/v1/tenants")).ExpectProblemAsync(HttpStatusCode.BadRequest, "https-required");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ControlPlaneApp.OperatorClientId, ["client_secret"] = ControlPlaneApp.OperatorClientSecret,
        }));
        Assert.NotEqual(HttpStatusCode.OK, token.StatusCode);
    }
}
