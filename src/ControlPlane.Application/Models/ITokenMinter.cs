namespace ControlPlane.Application.Models;

/// <summary>A signed token and when it expires.</summary>
public sealed record MintedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Issues short-lived JWTs for the model store, signed with the control plane's own OIDC signing key.</summary>
public interface ITokenMinter
{
    /// <summary>A token with audience model-store, naming the tenant and (when given) the one digest it may pull.</summary>
    MintedToken MintModelPullToken(string subject, string tenant, string? digest, TimeSpan lifetime);
}
