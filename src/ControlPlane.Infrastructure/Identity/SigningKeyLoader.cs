using System.Security.Cryptography;
using ControlPlane.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>
/// Gives the OIDC server its signing keys: the configured PEM keys (production, several for rollover: the first signs,
/// all are published in the JWKS), or else one ES256 key generated once and kept in the database (development).
/// </summary>
internal sealed class SigningKeyLoader(IOptions<IdentityOptions> identity, IServiceScopeFactory scopes, TimeProvider clock)
    : IConfigureOptions<OpenIddictServerOptions>
{
    private const string GeneratedKeyId = "dev-es256-1";

    public void Configure(OpenIddictServerOptions options)
    {
        var configured = identity.Value.SigningKeys;
        var keys = configured.Count > 0
            ? configured.Select((source, i) => FromPem(ReadPem(source, i), $"key-{i}")).ToList()
            : identity.Value.PersistGeneratedKeys
                ? [LoadOrCreateGeneratedKey()]
                : throw new InvalidOperationException(
                    "No token-signing key: set Identity:SigningKeys:0:PemFile (or :Pem), or Identity:PersistGeneratedKeys=true in development.");

        foreach (var key in keys)
        {
            options.SigningCredentials.Add(key);
        }
    }

    private static string ReadPem(SigningKeySource source, int index) =>
        source.Pem ?? (source.PemFile is { } file ? File.ReadAllText(file)
            : throw new InvalidOperationException($"Identity:SigningKeys:{index} needs PemFile or Pem."));

    private SigningCredentials LoadOrCreateGeneratedKey()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var stored = db.SigningKeys.AsNoTracking().FirstOrDefault(k => k.KeyId == GeneratedKeyId);
        if (stored is null)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var pem = ecdsa.ExportPkcs8PrivateKeyPem();
            // Two replicas starting together both try; the first insert wins and both read it back.
            db.Database.ExecuteSql(
                $"""
                INSERT INTO signing_keys (key_id, algorithm, private_key_pem, created_at)
                VALUES ({GeneratedKeyId}, {SecurityAlgorithms.EcdsaSha256}, {pem}, {clock.GetUtcNow()})
                ON CONFLICT (key_id) DO NOTHING
                """);
            stored = db.SigningKeys.AsNoTracking().First(k => k.KeyId == GeneratedKeyId);
        }

        return FromPem(stored.PrivateKeyPem, stored.KeyId);
    }

    private static SigningCredentials FromPem(string pem, string fallbackKeyId)
    {
        if (pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal) || TryRsa(pem) is not null)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = KeyIdOf(rsa.ExportSubjectPublicKeyInfo(), fallbackKeyId) },
                SecurityAlgorithms.RsaSha256);
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = KeyIdOf(ecdsa.ExportSubjectPublicKeyInfo(), fallbackKeyId) },
            SecurityAlgorithms.EcdsaSha256);
    }

    private static RSA? TryRsa(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A key id derived from the public key, so that every replica publishes the same kid for the same key.</summary>
    private static string KeyIdOf(byte[] publicKeyInfo, string fallback) =>
        publicKeyInfo.Length == 0 ? fallback : Convert.ToHexStringLower(SHA256.HashData(publicKeyInfo))[..16];
}
