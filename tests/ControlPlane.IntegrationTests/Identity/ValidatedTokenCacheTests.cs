using System.Security.Claims;
using System.Security.Cryptography;
using ControlPlane.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Validation;

namespace ControlPlane.IntegrationTests.Identity;

public sealed class ValidatedTokenCacheTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly ECDsaSecurityKey Key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private static string Token(DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://issuer.test/", Audience = "api", Subject = new ClaimsIdentity([new Claim("sub", "ci")]),
        IssuedAt = expires.AddMinutes(-10), NotBefore = expires.AddMinutes(-10), Expires = expires,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
    });

    private static TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidIssuer = "https://issuer.test/", ValidAudience = "api", IssuerSigningKey = key, ValidateLifetime = false,
    };

    [Fact]
    public async Task A_verified_token_is_served_from_memory_until_it_expires_and_each_caller_gets_its_own_identity()
    {
        var expires = DateTime.UtcNow.AddMinutes(5);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var cache = new ValidatedTokenCache(clock);
        var token = Token(expires);

        var first = await cache.ValidateTokenAsync(token, Parameters(Key));
        Assert.True(first.IsValid, first.Exception?.Message);

        // Proof that the second call does not verify again: with a wrong key, verification would fail.
        var wrongKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var second = await cache.ValidateTokenAsync(token, Parameters(wrongKey));
        Assert.True(second.IsValid);
        Assert.Equal("ci", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        second.ClaimsIdentity.AddClaim(new Claim("added", "by a handler"));
        Assert.Null((await cache.ValidateTokenAsync(token, Parameters(wrongKey))).ClaimsIdentity.FindFirst("added"));

        // Once the token has expired the entry is gone: it is verified again, and the wrong key now fails it.
        clock.Now = expires.AddSeconds(1);
        Assert.False((await cache.ValidateTokenAsync(token, Parameters(wrongKey))).IsValid);

        // A token that failed verification is never remembered.
        var other = Token(DateTime.UtcNow.AddMinutes(5));
        Assert.False((await cache.ValidateTokenAsync(other, Parameters(wrongKey))).IsValid);
        Assert.True((await cache.ValidateTokenAsync(other, Parameters(Key))).IsValid);
    }

    [Fact]
    public void The_api_validates_access_tokens_through_the_cache()
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<OpenIddictValidationOptions>>().CurrentValue;
        Assert.IsType<ValidatedTokenCache>(options.JsonWebTokenHandler);
    }
}
