using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Infrastructure.Identity;

/// <summary>Configuration section "Identity": the built-in OIDC issuer.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer URL (the service's public URL). Required outside Development, where it is otherwise derived from the request.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Lifetime of API access tokens; at most 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:15:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often each replica re-reads the token revocations as a fallback to PostgreSQL notifications: the bound on
    /// how long a revoked token may still be accepted while a replica's notification connection is down.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Follow revocations (notifications and poll); off only where no database exists (build-time OpenAPI generation).</summary>
    public bool FollowRevocations { get; set; } = true;

    /// <summary>ECDSA P-256 (or RSA) private keys in PEM files; the first signs, all are published for rollover.</summary>
    public List<SigningKeySource> SigningKeys { get; set; } = [];

    /// <summary>Without configured keys, generate one and keep it in the database (development).</summary>
    public bool PersistGeneratedKeys { get; set; }

    /// <summary>Accept plain HTTP at the token endpoint (development, and tests that reach an emulator over http).</summary>
    public bool AllowInsecureHttp { get; set; }
}

/// <summary>One signing key from configuration.</summary>
public sealed class SigningKeySource
{
    /// <summary>Path of a PEM file holding the private key.</summary>
    public string? PemFile { get; set; }

    /// <summary>The PEM text itself (for secret stores that inject values, not files).</summary>
    public string? Pem { get; set; }
}

/// <summary>Configuration section "Bootstrap": the platform-operator client seeded at startup.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    public string? OperatorClientId { get; set; }

    public string? OperatorClientSecret { get; set; }
}
