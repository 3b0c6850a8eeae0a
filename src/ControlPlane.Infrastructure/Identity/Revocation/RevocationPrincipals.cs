namespace ControlPlane.Infrastructure.Identity.Revocation;

/// <summary>How revoked principals are named in the database and in notifications, and the claims tokens carry.</summary>
internal static class RevocationPrincipals
{
    public const string ClientPrefix = "client:";
    public const string TenantPrefix = "tenant:";

    /// <summary>PostgreSQL notification channel; the payload is "&lt;principal&gt;=&lt;epoch&gt;".</summary>
    public const string Channel = "token_revocations";

    /// <summary>The client's revocation epoch when the token was requested (read before the secret was checked).</summary>
    public const string ClientEpochClaim = "client_epoch";

    /// <summary>The tenant's revocation epoch when the token was issued.</summary>
    public const string TenantEpochClaim = "tenant_epoch";

    public static string Client(string clientId) => ClientPrefix + clientId;

    public static string Tenant(string tenant) => TenantPrefix + tenant;
}
