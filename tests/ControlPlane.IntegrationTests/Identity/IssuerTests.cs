using Microsoft.AspNetCore.Hosting;

namespace ControlPlane.IntegrationTests.Identity;

/// <summary>Outside Development, with the issuer configured (as it must be).</summary>
public class FixedIssuerApp : ControlPlaneApp
{
    public const string Issuer = "https://controlplane.example.com/";

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["Identity:Issuer"] = Issuer };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>Outside Development without an issuer: must not start.</summary>
public sealed class UnsetIssuerApp : FixedIssuerApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();
}

/// <summary>The issuer never follows the Host header: it is configured, and required outside Development.</summary>
public sealed class IssuerTests(FixedIssuerApp app) : IClassFixture<FixedIssuerApp>
{
    [Fact]
    public async Task Outside_development_the_service_refuses_to_start_without_an_issuer()
    {
        await using var unset = new UnsetIssuerApp();
        var failure = await Assert.ThrowsAnyAsync<Exception>(unset.InitializeAsync);
        Assert.Contains("Identity:Issuer", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_validate_whatever_host_the_client_used()
    {
        using var op = await app.OperatorClientAsync();
        (await op.PostAsJsonAsync("/v1/tenants", new { name = "issuer-host", displayName = "Issuer" })).EnsureSuccessStatusCode();
        var principal = await app.CreateAccountAsync("issuer-host", "ci", "viewer");

        foreach (var host in new[] { "attacker.example", "controlplane.internal:8080" })
        {
            using var client = app.ClientWithToken(principal.Token);
            client.DefaultRequestHeaders.Host = host;
            await (await client.GetAsync("/v1/tenants/issuer-host")).ExpectAsync(HttpStatusCode.OK);
            var discovery = await (await client.GetAsync("/.well-known/openid-configuration")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(FixedIssuerApp.Issuer, discovery.GetProperty("issuer").GetString());
        }
    }
}
