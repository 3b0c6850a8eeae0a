using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ControlPlane.KubernetesEmulator.Authentication;

/// <summary>
/// Signs projected service-account tokens the way kube-apiserver does: an ES256 JWT with iss, sub
/// (system:serviceaccount:&lt;ns&gt;:&lt;name&gt;), aud, iat/nbf/exp and the kubernetes.io claim; one key per emulator.
/// </summary>
internal sealed class ServiceAccountTokenIssuer(string? issuer) : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _keyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    /// <summary>Unique per emulator unless given, like the issuer URL of a real cluster.</summary>
    public string Issuer { get; } = issuer ?? $"https://oidc.emulator-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}.cluster.local";

    public string Sign(string issuer, string ns, string serviceAccountName, IReadOnlyCollection<string> audiences, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["kid"] = _keyId };
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = $"system:serviceaccount:{ns}:{serviceAccountName}",
            ["aud"] = new JsonArray([.. audiences.Select(a => (JsonNode)a)]),
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = expiresAt.ToUnixTimeSeconds(),
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = ns,
                ["serviceaccount"] = new JsonObject { ["name"] = serviceAccountName, ["uid"] = Guid.NewGuid().ToString() },
            },
        };
        var signingInput = $"{Base64Url(header.ToJsonString())}.{Base64Url(payload.ToJsonString())}";

        // JWS ES256 signatures are the raw r||s pair (IEEE P1363), which is .NET's default format for ECDsa.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    /// <summary>The issuer's discovery document, as kube-apiserver serves it at <c>/.well-known/openid-configuration</c>.</summary>
    public JsonObject DiscoveryDocument(Uri apiServer) => new()
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = new Uri(apiServer, "openid/v1/jwks").ToString(),
        ["response_types_supported"] = new JsonArray("id_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("ES256"),
    };

    /// <summary>The public signing key as a JWK set (<c>/openid/v1/jwks</c>).</summary>
    public JsonObject KeySet()
    {
        var key = _key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["use"] = "sig",
                ["kty"] = "EC",
                ["kid"] = _keyId,
                ["crv"] = "P-256",
                ["alg"] = "ES256",
                ["x"] = Base64Url(key.Q.X!),
                ["y"] = Base64Url(key.Q.Y!),
            }),
        };
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
