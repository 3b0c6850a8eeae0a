using System.Text.Json;

namespace ControlPlane.IntegrationTests.Models;

/// <summary>Upload URLs that expire after one second (the shortest S3 presigns), so a test sees them expire.</summary>
public sealed class ShortUploadUrlApp : ControlPlaneApp
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["ModelRegistry:UploadUrlLifetime"] = "00:00:01",
    };
}

/// <summary>
/// A registration replayed with its Idempotency-Key answers what GET of the version answers now — a fresh upload plan
/// for what is still missing — never the first answer's presigned URLs, which expire (against s3rver).
/// </summary>
public sealed class ModelVersionReplayTests(ShortUploadUrlApp app) : IClassFixture<ShortUploadUrlApp>
{
    private static readonly byte[] Content = ModelFile.Random("model", 4096, 7).Content;

    private static HttpRequestMessage Register() => new(HttpMethod.Post, "/v1/tenants/replay/models/llm/versions")
    {
        Content = JsonContent.Create(new
        {
            digest = ModelRegistry.DigestOf(Content), sizeBytes = Content.Length, format = "safetensors", quantization = "bf16",
        }),
        Headers = { { "Idempotency-Key", "register-llm-1" } },
    };

    private static (string Url, DateTimeOffset ExpiresAt) UploadOf(JsonElement version)
    {
        var upload = Assert.Single(version.GetProperty("uploads").EnumerateArray());
        return (upload.GetProperty("url").GetString()!, upload.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_replayed_registration_answers_fresh_upload_URLs_once_the_first_ones_expired_and_no_plan_once_ready()
    {
        var ci = await app.CreateTenantWithAccountAsync("replay", "developer");
        await app.SetQuotaAsync("replay", "storage.bytes", 1_000_000);
        using var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync("/v1/tenants/replay/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        using var first = await client.SendAsync(Register());
        var registered = await first.ExpectAsync(HttpStatusCode.Created);
        var (firstUrl, firstExpiry) = UploadOf(registered);
        await Eventually.MatchesAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > firstExpiry, "the first upload URL expired",
            TimeSpan.FromSeconds(5));

        using var replay = await client.SendAsync(Register());
        var replayed = await replay.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(registered.GetProperty("version").GetInt32(), replayed.GetProperty("version").GetInt32());
        Assert.Equal("pending-upload", replayed.GetProperty("state").GetString());
        var (freshUrl, freshExpiry) = UploadOf(replayed);
        Assert.NotEqual(firstUrl, freshUrl);
        Assert.True(freshExpiry > firstExpiry, $"{freshExpiry:O} is not after {firstExpiry:O}");
        using (var http = new HttpClient())
        using (var put = await http.PutAsync(freshUrl, new ByteArrayContent(Content)))
        {
            Assert.True(put.IsSuccessStatusCode, $"upload answered {(int)put.StatusCode}");
        }

        await (await client.PostAsync("/v1/tenants/replay/models/llm/versions/1:finalize", null)).ExpectAsync(HttpStatusCode.OK);
        using var afterReady = await client.SendAsync(Register());
        var ready = await afterReady.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        Assert.True(!ready.TryGetProperty("uploads", out var uploads) || uploads.ValueKind == JsonValueKind.Null, ready.ToString());
    }
}
