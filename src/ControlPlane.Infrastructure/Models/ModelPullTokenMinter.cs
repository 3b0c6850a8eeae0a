using System.Security.Claims;
using ControlPlane.Application.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace ControlPlane.Infrastructure.Models;

/// <summary>
/// Signs model-pull tokens with the OIDC server's own active signing key and issuer, so the model store verifies
/// them against the same published JWKS as every other token of this issuer.
/// </summary>
internal sealed class ModelPullTokenMinter(IOptionsMonitor<OpenIddictServerOptions> server, IHttpContextAccessor http, TimeProvider clock)
    : ITokenMinter
{
    private static readonly JsonWebTokenHandler Handler = new();

    public MintedToken MintModelPullToken(string subject, string tenant, string? digest, TimeSpan lifetime)
    {
        var options = server.CurrentValue;
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var claims = new List<Claim> { new("sub", subject), new("tenant", tenant), new("scope", ModelRegistryOptions.PullScope), new("jti", Guid.NewGuid().ToString("N")) };
        if (digest is not null)
        {
            claims.Add(new Claim(ModelRegistryOptions.DigestClaim, digest));
        }

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = (options.Issuer ?? RequestIssuer()).AbsoluteUri,
            Audience = ModelRegistryOptions.ModelStoreAudience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = "at+jwt",
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = options.SigningCredentials[0],
        });
        return new MintedToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Without a configured issuer, OpenIddict uses the request's base URL; so do we.</summary>
    private Uri RequestIssuer()
    {
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("Identity:Issuer is not set and there is no request to derive it from.");
        return new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
    }
}
