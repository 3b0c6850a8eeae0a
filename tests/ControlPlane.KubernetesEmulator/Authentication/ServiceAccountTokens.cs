using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Authentication;

/// <summary>
/// Service-account tokens the tests registered, and the TokenReview verdict for a presented token:
/// what the real API server decides by verifying a projected token's signature and claims.
/// </summary>
internal sealed class ServiceAccountTokens
{
    private readonly ConcurrentDictionary<string, RegisteredToken> _tokens = new(StringComparer.Ordinal);

    public void Register(string token, string ns, string serviceAccountName, IReadOnlyCollection<string> audiences, DateTimeOffset expiresAt) =>
        _tokens[token] = new RegisteredToken(ns, serviceAccountName, [.. audiences], expiresAt, Guid.NewGuid().ToString());

    /// <summary>The TokenReview status. Unauthenticated verdicts omit <c>authenticated</c>, as the real server's JSON does.</summary>
    public JsonObject Review(string? token, IReadOnlyList<string> requestedAudiences)
    {
        if (string.IsNullOrEmpty(token) || !_tokens.TryGetValue(token, out var registered))
        {
            return Rejected("invalid bearer token, token lookup failed");
        }

        if (registered.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            return Rejected("invalid bearer token, service account token has expired");
        }

        var audiences = requestedAudiences.Count == 0
            ? registered.Audiences
            : registered.Audiences.Intersect(requestedAudiences, StringComparer.Ordinal).ToArray();
        if (audiences.Length == 0)
        {
            return Rejected($"invalid bearer token, token audiences {Quoted(registered.Audiences)} is invalid for the target audiences {Quoted(requestedAudiences)}");
        }

        return new JsonObject
        {
            ["authenticated"] = true,
            ["user"] = new JsonObject
            {
                ["username"] = $"system:serviceaccount:{registered.Namespace}:{registered.ServiceAccountName}",
                ["uid"] = registered.ServiceAccountUid,
                ["groups"] = new JsonArray("system:serviceaccounts", $"system:serviceaccounts:{registered.Namespace}", "system:authenticated"),
            },
            ["audiences"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
        };
    }

    private static JsonObject Rejected(string error) => new() { ["user"] = new JsonObject(), ["error"] = $"[{error}]" };

    private static string Quoted(IEnumerable<string> values) => "[" + string.Join(" ", values.Select(v => $"\"{v}\"")) + "]";

    private sealed record RegisteredToken(string Namespace, string ServiceAccountName, string[] Audiences, DateTimeOffset ExpiresAt, string ServiceAccountUid);
}
