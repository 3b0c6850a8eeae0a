namespace ControlPlane.Client.Authentication;

/// <summary>An access token and when it stops being accepted.</summary>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt, string? SubjectFingerprint = null)
{
    /// <summary>Tokens are renewed this long before they expire, so a request never leaves with one about to lapse.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(60);

    public bool IsFreshAt(DateTimeOffset now) => ExpiresAt - RenewalMargin > now;
}

/// <summary>Where tokens outlive one process (the CLI keeps them in a 0600 file), keyed by <see cref="ControlPlaneCredentials.CacheKey"/>.</summary>
public interface IAccessTokenCache
{
    AccessToken? Find(string key);

    void Store(string key, AccessToken token);
}
