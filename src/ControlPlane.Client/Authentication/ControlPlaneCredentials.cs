namespace ControlPlane.Client.Authentication;

/// <summary>
/// How a caller proves who it is: a service account's client id and secret (client credentials), or a Kubernetes
/// projected service-account token read from a file and exchanged for an access token (RFC 8693).
/// </summary>
public sealed record ControlPlaneCredentials(Uri BaseUrl, string? ClientId, string? ClientSecret, string? SubjectTokenFile)
{
    /// <summary>The key a cached token is stored under: the service and the identity, never the secret itself.</summary>
    public string CacheKey => SubjectTokenFile is null
        ? $"{BaseUrl}|client|{ClientId}"
        : $"{BaseUrl}|token-file|{Path.GetFullPath(SubjectTokenFile)}";
}
