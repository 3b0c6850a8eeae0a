using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>
/// Hashes client secrets with salted SHA-256 instead of PBKDF2. Every secret this service issues carries 256 random
/// bits, so key stretching adds no security (there is nothing to brute-force) but would cap token issuance at a few
/// hundred per second per core. Secrets hashed by OpenIddict's default scheme are still accepted.
/// </summary>
internal sealed class FastSecretApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    private const string Prefix = "sha256$";

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return ValueTask.FromResult($"{Prefix}{Base64Url.EncodeToString(salt)}${Base64Url.EncodeToString(Hash(salt, secret))}");
    }

    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return await base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }

        var parts = comparand[Prefix.Length..].Split('$');
        if (parts.Length != 2)
        {
            return false;
        }

        var expected = Base64Url.DecodeFromChars(parts[1]);
        return CryptographicOperations.FixedTimeEquals(Hash(Base64Url.DecodeFromChars(parts[0]), secret), expected);
    }

    private static byte[] Hash(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
