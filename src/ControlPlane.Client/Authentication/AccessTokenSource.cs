using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ControlPlane.Client.Authentication;

/// <summary>
/// Gets access tokens from the service's token endpoint — client credentials, or RFC 8693 token exchange of a projected
/// service-account token — and reuses a cached one until <see cref="AccessToken.RenewalMargin"/> before it expires.
/// </summary>
public sealed class AccessTokenSource(ControlPlaneCredentials credentials, HttpClient tokenEndpointClient, IAccessTokenCache cache, TimeProvider clock)
{
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";
    public const string ApiAudience = "controlplane-api";

    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<AccessToken> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var subjectToken = credentials.SubjectTokenFile is { } file ? await ReadSubjectTokenAsync(file, cancellationToken) : null;
            var fingerprint = subjectToken is null ? null : Fingerprint(subjectToken);
            if (cache.Find(credentials.CacheKey) is { } cached && cached.IsFreshAt(clock.GetUtcNow()) && cached.SubjectFingerprint == fingerprint)
            {
                return cached;
            }

            var token = await RequestAsync(subjectToken, cancellationToken) with { SubjectFingerprint = fingerprint };
            cache.Store(credentials.CacheKey, token);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A projected token file ends with a newline when written by hand or by some tools; the token itself never does.</summary>
    private static async Task<string> ReadSubjectTokenAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(file, cancellationToken)).TrimEnd('\r', '\n', ' ', '\t');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuthenticationFailedException($"Cannot read the token file {file}: {e.Message}");
        }
    }

    private async Task<AccessToken> RequestAsync(string? subjectToken, CancellationToken cancellationToken)
    {
        var form = subjectToken is null
            ? new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = credentials.ClientId ?? throw new AuthenticationFailedException("No client id: set CONTROLPLANE_CLIENT_ID or run `controlplane login`."),
                ["client_secret"] = credentials.ClientSecret ?? throw new AuthenticationFailedException("No client secret: set CONTROLPLANE_CLIENT_SECRET or run `controlplane login`."),
            }
            : new Dictionary<string, string>
            {
                ["grant_type"] = TokenExchangeGrant,
                ["subject_token_type"] = JwtTokenType,
                ["subject_token"] = subjectToken,
                // An API token as the service account the workload is bound to (without it the service issues a model-pull token).
                ["audience"] = ApiAudience,
            };
        var requestedAt = clock.GetUtcNow();
        using var response = await tokenEndpointClient.PostAsync(new Uri(credentials.BaseUrl, "connect/token"), new FormUrlEncodedContent(form), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        using var json = ParseOrNull(body);
        var root = json?.RootElement;
        if (!response.IsSuccessStatusCode || root?.TryGetProperty("access_token", out var accessToken) != true)
        {
            var error = root?.TryGetProperty("error", out var e) == true ? e.GetString() : null;
            var description = root?.TryGetProperty("error_description", out var d) == true ? d.GetString() : null;
            throw new AuthenticationFailedException($"The token endpoint refused the credentials ({(int)response.StatusCode} {error}): {description ?? body}");
        }

        var lifetime = root.Value.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt32(out var seconds) ? seconds : 0;
        return new AccessToken(accessToken.GetString()!, requestedAt.AddSeconds(lifetime));
    }

    private static JsonDocument? ParseOrNull(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Fingerprint(string subjectToken) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subjectToken)));
}

/// <summary>The token endpoint refused the credentials, or there are none to send.</summary>
public sealed class AuthenticationFailedException(string message) : Exception(message);
