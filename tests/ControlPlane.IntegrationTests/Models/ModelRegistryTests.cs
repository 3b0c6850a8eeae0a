using System.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlPlane.IntegrationTests.Models;

public sealed class ModelRegistryTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private static byte[] Bytes(int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return content;
    }

    private async Task<HttpClient> TenantAsync(string tenant, long storage = 100_000_000)
    {
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "storage.bytes", storage);
        var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/models", new { name = "llm", description = "chat model", task = "text-generation" }))
            .ExpectAsync(HttpStatusCode.Created);
        return client;
    }

    [Fact]
    public async Task Ci_registers_uploads_finalizes_aliases_and_pulls_exactly_those_bytes()
    {
        var client = await TenantAsync("reg");
        var content = Bytes(1_048_576 + 17, 1);
        var registered = await client.RegisterAsync("reg", "llm", content);
        Assert.Equal(1, registered.GetProperty("version").GetInt32());
        Assert.Equal("pending-upload", registered.GetProperty("state").GetString());
        // The single-object form is a manifest of one file at path "model" whose digest stays the version's.
        Assert.Equal(ModelRegistry.DigestOf(content), registered.GetProperty("digest").GetString());
        Assert.Equal("sole-file", registered.GetProperty("digestSource").GetString());
        Assert.Equal("model", Assert.Single(registered.GetProperty("files").EnumerateArray()).GetProperty("path").GetString());
        var upload = Assert.Single(registered.GetProperty("uploads").EnumerateArray());
        Assert.InRange(upload.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
        Assert.Contains($"tenants/reg/blobs/sha256/{ModelRegistry.DigestOf(content)[7..]}", upload.GetProperty("url").GetString(), StringComparison.Ordinal);

        await ModelRegistry.UploadAsync(registered, content);
        var ready = await (await client.PostAsync("/v1/tenants/reg/models/llm/versions/1:finalize", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        var quotas = await (await client.GetAsync("/v1/tenants/reg/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(content.Length, quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "storage.bytes").GetProperty("used").GetInt64());

        await (await client.PutAsJsonAsync("/v1/tenants/reg/models/llm/aliases/production", new { version = 1 })).ExpectAsync(HttpStatusCode.OK);
        var alias = await (await client.GetAsync("/v1/tenants/reg/models/llm/aliases/production")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ModelRegistry.DigestOf(content), alias.GetProperty("digest").GetString());
        var byDigest = await (await client.GetAsync($"/v1/tenants/reg/models/llm/versions/{ModelRegistry.DigestOf(content)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, byDigest.GetProperty("version").GetInt32());

        var credentials = await (await client.PostAsync("/v1/tenants/reg/models/llm/versions/1:pull-credentials", null)).ExpectAsync(HttpStatusCode.OK);
        var expiresAt = credentials.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(10));

        // The token verifies against the published JWKS with a standard library: issuer, audience model-store, claims, expiry.
        using var anonymous = app.CreateClient();
        var discovery = await (await anonymous.GetAsync("/.well-known/openid-configuration")).ExpectAsync(HttpStatusCode.OK);
        var jwks = new JsonWebKeySet(await anonymous.GetStringAsync(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(credentials.GetProperty("token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = discovery.GetProperty("issuer").GetString(), ValidAudience = "model-store", IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("reg", validation.Claims["tenant"]);
        Assert.Equal(ModelRegistry.DigestOf(content), validation.Claims["digest"]);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal(expiresAt.UtcDateTime, token.ValidTo, TimeSpan.FromSeconds(1));

        // The presigned URL expires no later than the token, and downloads exactly the registered bytes.
        var url = new Uri(credentials.GetProperty("presignedUrl").GetString()!);
        Assert.Equal(url, new Uri(Assert.Single(credentials.GetProperty("files").EnumerateArray()).GetProperty("url").GetString()!));
        var expiresSeconds = int.Parse(HttpUtility.ParseQueryString(url.Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expiresSeconds <= 600, $"X-Amz-Expires {expiresSeconds}");
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Every_pull_credential_is_audited_before_it_is_handed_out_even_when_many_arrive_at_once()
    {
        var client = await TenantAsync("pulls");
        await client.PublishAsync("pulls", "llm", Bytes(256, 5));

        // Concurrent pulls share audit commits (group commit), but each response comes only after its own event is durable.
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.PostAsync("/v1/tenants/pulls/models/llm/versions/1:pull-credentials", null)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM audit_events WHERE tenant = 'pulls' AND action = 'model-version.pull-credentials' AND target = 'tenants/pulls/models/llm/versions/1'",
            connection);
        Assert.Equal(40L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Finalize_refuses_before_upload_and_fails_on_size_or_digest_mismatch()
    {
        var client = await TenantAsync("verify");
        var content = Bytes(4096, 2);
        var pending = await client.RegisterAsync("verify", "llm", content);
        await (await client.PostAsync("/v1/tenants/verify/models/llm/versions/1:finalize", null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "artifact-not-uploaded");

        await ModelRegistry.UploadAsync(pending, content[..4000]);
        var wrongSize = await (await client.PostAsync("/v1/tenants/verify/models/llm/versions/1:finalize", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("failed", wrongSize.GetProperty("state").GetString());
        Assert.Contains("size mismatch", wrongSize.GetProperty("failureReason").GetString(), StringComparison.Ordinal);

        var other = Bytes(4096, 3);
        var claimed = await client.RegisterAsync("verify", "llm", other, digest: ModelRegistry.DigestOf(Bytes(4096, 4)));
        await ModelRegistry.UploadAsync(claimed, other);
        var wrongDigest = await (await client.PostAsync("/v1/tenants/verify/models/llm/versions/2:finalize", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("failed", wrongDigest.GetProperty("state").GetString());
        Assert.Contains("digest mismatch", wrongDigest.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        await (await client.PostAsync("/v1/tenants/verify/models/llm/versions/2:pull-credentials", null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "version-not-ready");
        var quotas = await (await client.GetAsync("/v1/tenants/verify/quotas")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, quotas.GetProperty("items")[0].GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Versions_are_immutable_and_content_addressed()
    {
        var client = await TenantAsync("immutable");
        var content = Bytes(2048, 5);
        await client.PublishAsync("immutable", "llm", content);
        await (await client.PostAsJsonAsync("/v1/tenants/immutable/models/llm/versions", new
        {
            digest = ModelRegistry.DigestOf(content), sizeBytes = content.Length, format = "onnx", quantization = "fp16",
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "already-exists");
        var patch = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/v1/tenants/immutable/models/llm/versions/1")
        {
            Content = JsonContent.Create(new { digest = "sha256:" + new string('0', 64) }),
        });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, patch.StatusCode);
        // Finalize is idempotent: a finished version answers with the same result.
        var again = await (await client.PostAsync("/v1/tenants/immutable/models/llm/versions/1:finalize", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ready", again.GetProperty("state").GetString());
        var second = await client.PublishAsync("immutable", "llm", Bytes(2048, 6));
        Assert.Equal(2, second.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Alias_moves_honour_if_match_are_audited_and_stay_within_the_model()
    {
        var client = await TenantAsync("aliases");
        await client.PublishAsync("aliases", "llm", Bytes(1024, 7));
        await client.PublishAsync("aliases", "llm", Bytes(1024, 8));
        var first = await client.PutAsJsonAsync("/v1/tenants/aliases/models/llm/aliases/production", new { version = 1 });
        var etag = first.Headers.ETag!.ToString();
        using (var move = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/aliases/models/llm/aliases/production") { Content = JsonContent.Create(new { version = 2 }) })
        {
            move.Headers.TryAddWithoutValidation("If-Match", etag);
            await (await client.SendAsync(move)).ExpectAsync(HttpStatusCode.OK);
        }

        using (var stale = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/aliases/models/llm/aliases/production") { Content = JsonContent.Create(new { version = 1 }) })
        {
            stale.Headers.TryAddWithoutValidation("If-Match", etag);
            await (await client.SendAsync(stale)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        }

        await (await client.PostAsJsonAsync("/v1/tenants/aliases/models", new { name = "other" })).ExpectAsync(HttpStatusCode.Created);
        await (await client.PutAsJsonAsync("/v1/tenants/aliases/models/other/aliases/production", new { version = 2 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(2, (await (await client.GetAsync("/v1/tenants/aliases/models/llm/aliases/production")).ExpectAsync(HttpStatusCode.OK)).GetProperty("version").GetInt32());

        using var op = await app.OperatorClientAsync();
        var audit = await (await op.GetAsync("/v1/audit-events?tenant=aliases&action=model-alias.")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["2", "1"], audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("details").GetProperty("to").GetString()));
        await (await client.DeleteAsync("/v1/tenants/aliases/models/llm/aliases/production")).ExpectAsync(HttpStatusCode.NoContent);
        await (await client.GetAsync("/v1/tenants/aliases/models/llm/aliases/production")).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Lineage_follows_base_model_digests_across_models()
    {
        var client = await TenantAsync("lineage");
        await (await client.PostAsJsonAsync("/v1/tenants/lineage/models", new { name = "base" })).ExpectAsync(HttpStatusCode.Created);
        var root = await client.PublishAsync("lineage", "base", Bytes(512, 9));
        var tuned = await client.PublishAsync("lineage", "llm", Bytes(512, 10), root.GetProperty("digest").GetString());
        await client.PublishAsync("lineage", "llm", Bytes(512, 11), tuned.GetProperty("digest").GetString());

        var lineage = await (await client.GetAsync("/v1/tenants/lineage/models/llm/versions/2/lineage")).ExpectAsync(HttpStatusCode.OK);
        var ancestors = lineage.GetProperty("ancestors").EnumerateArray().ToList();
        Assert.Equal(["llm", "base"], ancestors.Select(a => a.GetProperty("model").GetString()));
        Assert.Equal(root.GetProperty("digest").GetString(), ancestors[^1].GetProperty("digest").GetString());
        Assert.Equal(0, lineage.GetProperty("descendants").GetArrayLength());
        var middle = await (await client.GetAsync("/v1/tenants/lineage/models/llm/versions/1/lineage")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([2], middle.GetProperty("descendants").EnumerateArray().Select(d => d.GetProperty("version").GetInt32()));
        Assert.Equal(["base"], middle.GetProperty("ancestors").EnumerateArray().Select(a => a.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task Storage_quota_refuses_a_version_at_registration_and_bad_input_is_400()
    {
        var client = await TenantAsync("quota-model", storage: 10_000);
        await (await client.PostAsJsonAsync("/v1/tenants/quota-model/models/llm/versions", new
        {
            digest = "sha256:" + new string('b', 64), sizeBytes = 20_000, format = "gguf", quantization = "int4",
        })).ExpectProblemAsync(HttpStatusCode.Conflict, "quota-exceeded");

        var problem = await (await client.PostAsJsonAsync("/v1/tenants/quota-model/models/llm/versions", new
        {
            digest = "md5:abc", sizeBytes = 0, provenance = new { baseModelDigest = "nope", hyperparameters = new[] { 1, 2 } },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        foreach (var field in new[] { "digest", "sizeBytes", "format", "quantization", "provenance.baseModelDigest", "provenance.hyperparameters" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        }

        await (await client.PostAsJsonAsync("/v1/tenants/quota-model/models/llm/versions", new
        {
            digest = "sha256:" + new string('c', 64), sizeBytes = 10, format = "pickle", quantization = "int4",
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var versions = await (await client.GetAsync("/v1/tenants/quota-model/models/llm/versions")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, versions.GetProperty("items").GetArrayLength());

        // A tenant with models cannot be deleted; once they are gone it can.
        using var op = await app.OperatorClientAsync();
        await (await op.DeleteAsync("/v1/tenants/quota-model")).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-has-live-resources");
        await (await client.DeleteAsync("/v1/tenants/quota-model/models/llm")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await op.DeleteAsync("/v1/tenants/quota-model/models/llm")).ExpectAsync(HttpStatusCode.NoContent);
        await (await op.DeleteAsync("/v1/tenants/quota-model")).ExpectAsync(HttpStatusCode.NoContent);
    }
}
