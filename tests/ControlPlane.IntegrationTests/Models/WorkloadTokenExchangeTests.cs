using System.Globalization;
using System.Text;
using System.Web;
using ControlPlane.KubernetesEmulator;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.IntegrationTests.Models;

/// <summary>
/// RFC 8693 token exchange at /connect/token: a serving pod trades its projected service-account token (verified by its
/// cluster's TokenReview) for a model-pull token of its tenant, narrowed to one digest, and a URL for exactly those bytes.
/// </summary>
public sealed class WorkloadTokenExchangeTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>, IAsyncLifetime
{
    private const string ExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";
    private static readonly string[] ControlPlaneAudience = ["controlplane"];
    private static readonly byte[] Weights = Encoding.UTF8.GetBytes("the weights of llm v1, exactly these bytes");

    private KubernetesApiEmulator _cluster = null!;
    private string _digest = "";

    public async Task InitializeAsync()
    {
        _cluster = await app.EmulatorAsync();
        _digest = await app.ArrangeOnceAsync("workload-exchange-world", ArrangeAsync);
    }

    /// <summary>A cluster that accepts workload tokens; tenants wl and other, each with a ready version of model llm.</summary>
    private async Task<string> ArrangeAsync()
    {
        var digest = "";
        await app.RegisterClusterAsync("wl-c", acceptWorkloadTokens: true);
        await app.CreatePoolAsync("wl-c", GpuFleet.H100OnDemand("wl-pool"));
        foreach (var tenant in new[] { "wl", "other" })
        {
            var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
            await app.SetQuotaAsync(tenant, "storage.bytes", 1_000_000);
            await app.SetQuotaAsync(tenant, "gpu.h100", 8);
            await app.SetQuotaAsync(tenant, "placements", 8);
            using var client = app.ClientWithToken(ci.Token);
            await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
            var version = await client.PublishAsync(tenant, "llm", tenant == "wl" ? Weights : [7, 7, 7]);
            if (tenant == "wl")
            {
                digest = version.GetProperty("digest").GetString()!;
            }
        }

        return digest;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string PodToken(string ns = "t-wl", IReadOnlyCollection<string>? audiences = null, TimeSpan? lifetime = null, string? issuer = null) =>
        _cluster.IssueServiceAccountToken(ns, "default", audiences ?? ControlPlaneAudience, lifetime ?? TimeSpan.FromMinutes(10), issuer);

    private async Task<HttpResponseMessage> ExchangeAsync(string subjectToken, string? resource = null, string subjectTokenType = JwtTokenType)
    {
        using var anonymous = app.CreateClient();
        var form = new Dictionary<string, string> { ["grant_type"] = ExchangeGrant, ["subject_token"] = subjectToken, ["subject_token_type"] = subjectTokenType };
        if (resource is not null)
        {
            form["resource"] = resource;
        }

        return await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    private async Task<TokenValidationResult> ValidatePullTokenAsync(string token)
    {
        using var anonymous = app.CreateClient();
        var discovery = await (await anonymous.GetAsync("/.well-known/openid-configuration")).ExpectAsync(HttpStatusCode.OK);
        var jwks = new JsonWebKeySet(await anonymous.GetStringAsync(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = discovery.GetProperty("issuer").GetString(), ValidAudience = "model-store", IssuerSigningKeys = jwks.GetSigningKeys(),
        });
    }

    [Fact]
    public async Task A_serving_pod_exchanges_its_service_account_token_for_a_pull_token_and_url_of_exactly_its_digest()
    {
        // CI points production at the version and deploys it; the pod learns its digest and token audience from its spec.
        var ci = await app.CreateAccountAsync("wl", "deployer", "developer");
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PutAsJsonAsync("/v1/tenants/wl/models/llm/aliases/production", new { version = 1 })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync("/v1/tenants/wl/placements", new
        {
            name = "chat", kind = "inference", image = "img:1", resources = new { gpuModel = "h100", gpusPerReplica = 1 },
            model = new { name = "llm", alias = "production" },
        })).ExpectAsync(HttpStatusCode.Created);
        await client.WaitForPlacementAsync("wl", "chat", _ => _cluster.Get("apps/v1", "deployments", "t-wl", "chat") is not null);
        var pod = _cluster.Get("apps/v1", "deployments", "t-wl", "chat")!["spec"]!["template"]!["spec"]!;
        var audience = (string)pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "model-pull-token")!["projected"]!["sources"]![0]!
            ["serviceAccountToken"]!["audience"]!;
        var digest = pod["containers"]![0]!["env"]!.AsArray().Single(e => (string?)e!["name"] == "CONTROLPLANE_MODEL_DIGEST")!["value"]!.ToString();
        Assert.Equal(_digest, digest);

        var exchanged = await (await ExchangeAsync(PodToken(audiences: [audience]), digest)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", exchanged.GetProperty("issued_token_type").GetString());
        Assert.Equal("Bearer", exchanged.GetProperty("token_type").GetString());
        var expiresIn = exchanged.GetProperty("expires_in").GetInt32();
        Assert.InRange(expiresIn, 590, 600);
        Assert.Equal(_digest, exchanged.GetProperty("digest").GetString());

        // A model-store token of our issuer, for the pod's tenant and this one digest, verified with a standard JWT library.
        var validation = await ValidatePullTokenAsync(exchanged.GetProperty("access_token").GetString()!);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("wl", validation.Claims["tenant"]);
        Assert.Equal(_digest, validation.Claims["digest"]);
        Assert.Equal("system:serviceaccount:t-wl:default", validation.Claims["sub"]);
        Assert.Equal("model:pull", validation.Claims["scope"]);
        Assert.InRange(((JsonWebToken)validation.SecurityToken).ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));

        // The URL downloads exactly the version's bytes and expires no later than the token.
        var url = new Uri(exchanged.GetProperty("presigned_url").GetString()!);
        var file = Assert.Single(exchanged.GetProperty("files").EnumerateArray());
        Assert.Equal(("model", _digest, Weights.Length), (file.GetProperty("path").GetString(), file.GetProperty("digest").GetString(), file.GetProperty("sizeBytes").GetInt32()));
        Assert.Equal(url, new Uri(file.GetProperty("url").GetString()!));
        var query = HttpUtility.ParseQueryString(url.Query);
        var signedAt = DateTime.ParseExact(query["X-Amz-Date"]!, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var urlExpiresAt = signedAt.AddSeconds(int.Parse(query["X-Amz-Expires"]!, CultureInfo.InvariantCulture));
        Assert.InRange(urlExpiresAt, DateTime.UtcNow, ((JsonWebToken)validation.SecurityToken).ValidTo);
        using var download = new HttpClient();
        Assert.Equal(Weights, await download.GetByteArrayAsync(url));

        // The exchange is audited under the workload's identity.
        using var op = await app.OperatorClientAsync();
        var audit = await (await op.GetAsync("/v1/audit-events?tenant=wl&action=model.pull-token-exchange")).ExpectAsync(HttpStatusCode.OK);
        var recorded = audit.GetProperty("items").EnumerateArray().First();
        Assert.Equal("system:serviceaccount:t-wl:default", recorded.GetProperty("actor").GetString());
        Assert.Equal("tenants/wl/models/llm/versions/1", recorded.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Without_a_resource_the_pull_token_covers_the_tenant_and_carries_no_digest_or_url()
    {
        var exchanged = await (await ExchangeAsync(PodToken())).ExpectAsync(HttpStatusCode.OK);
        Assert.False(exchanged.TryGetProperty("presigned_url", out _));
        Assert.False(exchanged.TryGetProperty("files", out _));
        var validation = await ValidatePullTokenAsync(exchanged.GetProperty("access_token").GetString()!);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("wl", validation.Claims["tenant"]);
        Assert.False(validation.Claims.ContainsKey("digest"));
    }

    [Fact]
    public async Task A_token_read_from_a_file_with_its_trailing_newline_is_exchanged_and_whitespace_inside_is_not_dropped()
    {
        foreach (var ending in new[] { "\n", "\r\n", " \n\n" })
        {
            var exchanged = await (await ExchangeAsync(PodToken() + ending, _digest)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(_digest, exchanged.GetProperty("digest").GetString());
        }

        var token = PodToken();
        var split = token[..20] + "\n" + token[20..];
        Assert.Equal(HttpStatusCode.BadRequest, (await ExchangeAsync(split, _digest)).StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_audience_such_as_the_kubernetes_api_is_refused() =>
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken(audiences: ["https://kubernetes.default.svc.cluster.local"]), _digest),
            "invalid_request", "audience");

    [Fact]
    public async Task A_token_of_an_unregistered_issuer_is_refused() =>
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken(issuer: "https://oidc.unregistered.example"), _digest), "invalid_request", "issuer");

    [Fact]
    public async Task An_expired_token_is_refused() =>
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken(lifetime: TimeSpan.FromMinutes(-5)), _digest), "invalid_request", "expired");

    [Fact]
    public async Task A_token_the_cluster_does_not_authenticate_is_refused_even_with_plausible_claims()
    {
        // Re-encode a genuine token's payload to claim another namespace: the claims look right, the cluster says no.
        var parts = PodToken().Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("t-wl", "t-other", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(forged, _digest), "invalid_request", "did not authenticate");
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync("not-a-jwt", _digest), "invalid_request", "not a JWT");
    }

    [Fact]
    public async Task Another_tenants_namespace_cannot_pull_this_tenants_digest_and_non_tenant_namespaces_get_nothing()
    {
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken("t-other"), _digest), "invalid_target", "no ready model version");
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken("kube-system"), _digest), "invalid_request", "not a service account of a tenant namespace");
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken("t-ghost"), _digest), "invalid_request", "belongs to no tenant");
    }

    [Fact]
    public async Task A_digest_the_tenant_does_not_own_or_a_malformed_resource_is_refused()
    {
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken(), "sha256:" + new string('0', 64)), "invalid_target", "no ready model version");
        await OAuthRefusals.ExpectRefusalAsync(await ExchangeAsync(PodToken(), "https://evil.example/model"), "invalid_target", "sha256:");
    }

    [Fact]
    public async Task Client_credentials_still_require_a_client_and_an_api_token_is_not_a_subject_token()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.JsonAsync()).GetProperty("error").GetString());

        // The control plane's own API token (a tenant's client-credentials token) is not a workload identity.
        var ci = await app.CreateAccountAsync("wl", "puller", "developer");
        Assert.NotEqual(HttpStatusCode.OK, (await ExchangeAsync(ci.Token, _digest, "urn:ietf:params:oauth:token-type:access_token")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await ExchangeAsync(ci.Token, _digest)).StatusCode);
    }

    [Fact]
    public async Task A_cluster_issuer_is_validated_and_identifies_one_cluster()
    {
        using var op = await app.OperatorClientAsync();
        var cluster = await (await op.GetAsync("/v1/clusters/wl-c")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(_cluster.ServiceAccountIssuer, cluster.GetProperty("serviceAccountIssuer").GetString());
        var duplicate = new
        {
            name = "wl-twin", region = "eu-north1", apiServerUrl = _cluster.BaseAddress.ToString(), bearerToken = _cluster.BearerToken,
            serviceAccountIssuer = _cluster.ServiceAccountIssuer,
        };
        await (await op.PostAsJsonAsync("/v1/clusters", duplicate)).ExpectProblemAsync(HttpStatusCode.Conflict, "issuer-in-use");
        await (await op.PostAsJsonAsync("/v1/clusters", duplicate with { serviceAccountIssuer = "not a url" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await op.GetAsync("/v1/clusters/wl-twin")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
