using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>
/// The API's access-token validator, remembering tokens it has already verified until they expire. Clients reuse one
/// token for many calls; parsing it and checking its ES256 signature again each time is the largest share of the
/// authentication cost. The key is the whole token, so a hit means byte-identical input to a verification that passed;
/// expiry is still enforced (the entry ends at the token's exp, and OpenIddict checks exp again on the principal).
/// Failures are never cached. Signing keys change only with configuration, i.e. a restart, which empties the cache.
/// Revocation is checked after this on every request, hit or miss (<see cref="Revocation.RevokedTokenRejector"/>).
/// </summary>
internal sealed class ValidatedTokenCache(TimeProvider clock) : JsonWebTokenHandler
{
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, TokenValidationResult> _verified = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_verified.TryGetValue(token, out var hit))
        {
            if (hit.SecurityToken.ValidTo > now)
            {
                // Handlers downstream add claims to the identity: every request gets its own copy.
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = hit.ClaimsIdentity.Clone(),
                    SecurityToken = hit.SecurityToken,
                    TokenType = hit.TokenType,
                    Issuer = hit.Issuer,
                };
            }

            _verified.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken { InnerToken: null } jwt && jwt.ValidTo > now)
        {
            Remember(token, new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = result.ClaimsIdentity.Clone(),
                SecurityToken = result.SecurityToken,
                TokenType = result.TokenType,
                Issuer = result.Issuer,
            }, now);
        }

        return result;
    }

    private void Remember(string token, TokenValidationResult result, DateTime now)
    {
        if (_verified.Count >= MaxEntries)
        {
            foreach (var (key, entry) in _verified)
            {
                if (entry.SecurityToken.ValidTo <= now)
                {
                    _verified.TryRemove(key, out _);
                }
            }

            if (_verified.Count >= MaxEntries)
            {
                return;
            }
        }

        _verified[token] = result;
    }
}
