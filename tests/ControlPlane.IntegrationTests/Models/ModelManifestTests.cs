using System.Text;
using System.Text.Json;

namespace ControlPlane.IntegrationTests.Models;

/// <summary>Files above 6 MiB upload by multipart in parts of 5 MiB (S3's smallest), so tests stay small.</summary>
public sealed class MultipartApp : ControlPlaneApp
{
    public const int PartSize = 5 * 1024 * 1024;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["ModelRegistry:MultipartThresholdBytes"] = (6 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ModelRegistry:MultipartPartSizeBytes"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Versions as manifests of files against s3rver (with S3's multipart checks): upload plans, multipart through presigned
/// part URLs with a plain HTTP client, finalize verifying every file, resuming, dedup per tenant, per-file pulls.
/// </summary>
public sealed class ModelManifestTests(MultipartApp app) : IClassFixture<MultipartApp>
{
    private static readonly ModelFile Config = new("config.json", Encoding.UTF8.GetBytes("{\"architectures\":[\"LlamaForCausalLM\"]}"), "application/json");
    private static readonly ModelFile Tokenizer = ModelFile.Random("tokenizer.json", 70_000, 1);

    // Three parts: 5 MiB, 5 MiB, 2 MiB + 7 bytes.
    private static readonly ModelFile Weights = ModelFile.Random("weights/model-00001-of-00001.safetensors", 2 * MultipartApp.PartSize + 2 * 1024 * 1024 + 7, 2);

    private async Task<HttpClient> TenantAsync(string tenant, long storage = 100_000_000)
    {
        var ci = await app.CreateTenantWithAccountAsync(tenant, "developer");
        await app.SetQuotaAsync(tenant, "storage.bytes", storage);
        var client = app.ClientWithToken(ci.Token);
        await (await client.PostAsJsonAsync($"/v1/tenants/{tenant}/models", new { name = "llm" })).ExpectAsync(HttpStatusCode.Created);
        return client;
    }

    [Fact]
    public async Task A_multi_file_version_uploads_its_large_file_by_presigned_parts_and_finalize_verifies_every_file()
    {
        var client = await TenantAsync("mf");
        ModelFile[] files = [Weights, Tokenizer, Config];
        var registered = await (await client.RegisterFilesAsync("mf", "llm", files)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(ModelManifests.CanonicalDigest(files), registered.GetProperty("digest").GetString());
        Assert.Equal("manifest", registered.GetProperty("digestSource").GetString());
        Assert.Equal(files.Sum(f => (long)f.Content.Length), registered.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(["config.json", "tokenizer.json", Weights.Path], registered.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.Equal("put", ModelManifests.UploadOf(registered, Config.Path).GetProperty("method").GetString());
        var multipart = ModelManifests.UploadOf(registered, Weights.Path);
        Assert.Equal("multipart", multipart.GetProperty("method").GetString());
        Assert.Equal(MultipartApp.PartSize, multipart.GetProperty("partSizeBytes").GetInt64());
        Assert.Equal([1, 2, 3], multipart.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("number").GetInt32()));

        await ModelManifests.UploadAllAsync(registered, files);
        var ready = await client.FinalizeAsync("mf", "llm", 1);
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        Assert.Equal(files.Sum(f => (long)f.Content.Length), await client.StorageUsedAsync("mf"));
        var again = await client.FinalizeAsync("mf", "llm", 1);
        Assert.Equal(ready.GetProperty("finalizedAt").GetString(), again.GetProperty("finalizedAt").GetString());

        // One token, a working presigned GET per file.
        var credentials = await (await client.PostAsync("/v1/tenants/mf/models/llm/versions/1:pull-credentials", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, credentials.GetProperty("presignedUrl").ValueKind);
        using var http = new HttpClient();
        foreach (var file in files)
        {
            var download = credentials.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == file.Path);
            Assert.Equal(file.Digest, download.GetProperty("digest").GetString());
            Assert.Equal(file.Content, await http.GetByteArrayAsync(download.GetProperty("url").GetString()));
        }
    }

    /// <summary>The problem's structured list of the part numbers a file still needs (what a client resumes from).</summary>
    private static List<int> PartsToUpload(JsonElement problem, string path) =>
        problem.GetProperty("parts").GetProperty(path).EnumerateArray().Select(n => n.GetInt32()).ToList();

    [Fact]
    public async Task Finalize_names_missing_and_wrong_sized_parts_and_resumes_once_they_are_uploaded_again()
    {
        var client = await TenantAsync("resume");
        ModelFile[] files = [Config, Weights];
        var registered = await (await client.RegisterFilesAsync("resume", "llm", files)).ExpectAsync(HttpStatusCode.Created);
        var upload = ModelManifests.UploadOf(registered, Weights.Path);
        var parts = upload.GetProperty("parts").EnumerateArray().ToList();
        await ModelManifests.PutAsync(ModelManifests.UploadOf(registered, Config.Path).GetProperty("url").GetString()!, Config.Content);
        await ModelManifests.PutPartAsync(upload, parts[0], Weights.Content);
        await ModelManifests.PutAsync(parts[1].GetProperty("url").GetString()!, Weights.Content[MultipartApp.PartSize..(2 * MultipartApp.PartSize - 1)]);

        var missing = await (await client.PostAsync("/v1/tenants/resume/models/llm/versions/1:finalize", null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "artifact-not-uploaded");
        Assert.Contains("1 of 3 parts missing: 3", missing.GetProperty("files").GetProperty(Weights.Path).GetString(), StringComparison.Ordinal);
        Assert.Equal([3], PartsToUpload(missing, Weights.Path));
        // What finalize verified stays done: config.json is stored and counted already.
        Assert.Equal(Config.Content.Length, await client.StorageUsedAsync("resume"));

        await ModelManifests.PutPartAsync(upload, parts[2], Weights.Content);
        var shortPart = await (await client.PostAsync("/v1/tenants/resume/models/llm/versions/1:finalize", null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "artifact-not-uploaded");
        Assert.Contains($"part 2 has {MultipartApp.PartSize - 1} bytes, expected {MultipartApp.PartSize}",
            shortPart.GetProperty("files").GetProperty(Weights.Path).GetString(), StringComparison.Ordinal);
        Assert.Equal([2], PartsToUpload(shortPart, Weights.Path));

        // A fresh URL for the failed part ('/' of the path as %2F), the right bytes, and finalize completes what remains.
        var fresh = await (await client.PostAsJsonAsync($"/v1/tenants/resume/models/llm/versions/1/files/{Uri.EscapeDataString(Weights.Path)}:upload-parts",
            new { parts = new[] { 2 } })).ExpectAsync(HttpStatusCode.OK);
        var part2 = Assert.Single(fresh.GetProperty("parts").EnumerateArray());
        Assert.Equal(2, part2.GetProperty("number").GetInt32());
        await ModelManifests.PutPartAsync(fresh, part2, Weights.Content);
        var ready = await client.FinalizeAsync("resume", "llm", 1);
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        Assert.Equal(Config.Content.Length + Weights.Content.Length, await client.StorageUsedAsync("resume"));

        await (await client.PostAsJsonAsync($"/v1/tenants/resume/models/llm/versions/1/files/{Uri.EscapeDataString(Weights.Path)}:upload-parts",
            new { parts = new[] { 1 } })).ExpectProblemAsync(HttpStatusCode.Conflict, "version-not-pending");
    }

    [Fact]
    public async Task Wrong_bytes_fail_finalize_naming_each_file_and_why()
    {
        var client = await TenantAsync("wrong");
        var other = ModelFile.Random("tokenizer.json", Tokenizer.Content.Length, 99);
        ModelFile[] files = [Config, Tokenizer, Weights];
        var registered = await (await client.RegisterFilesAsync("wrong", "llm", files)).ExpectAsync(HttpStatusCode.Created);
        await ModelManifests.PutAsync(ModelManifests.UploadOf(registered, Config.Path).GetProperty("url").GetString()!, [.. Config.Content, 10]);
        await ModelManifests.PutAsync(ModelManifests.UploadOf(registered, Tokenizer.Path).GetProperty("url").GetString()!, other.Content);
        // A part with other bytes of the right size: S3 assembles it, the streamed SHA-256 finds it.
        var corrupted = (byte[])Weights.Content.Clone();
        corrupted[MultipartApp.PartSize + 3] ^= 0xff;
        var upload = ModelManifests.UploadOf(registered, Weights.Path);
        await Task.WhenAll(upload.GetProperty("parts").EnumerateArray().Select(p => ModelManifests.PutPartAsync(upload, p, corrupted)));

        var failed = await client.FinalizeAsync("wrong", "llm", 1);
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var reason = failed.GetProperty("failureReason").GetString()!;
        Assert.Contains($"config.json: size mismatch: registered {Config.Content.Length} bytes, stored {Config.Content.Length + 1} bytes", reason, StringComparison.Ordinal);
        Assert.Contains($"tokenizer.json: digest mismatch: registered {Tokenizer.Digest}, stored {other.Digest}", reason, StringComparison.Ordinal);
        Assert.Contains($"{Weights.Path}: digest mismatch: registered {Weights.Digest}", reason, StringComparison.Ordinal);
        Assert.Equal(0, await client.StorageUsedAsync("wrong"));
        await (await client.PostAsync("/v1/tenants/wrong/models/llm/versions/1:pull-credentials", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "version-not-ready");
    }

    [Fact]
    public async Task Stored_files_are_skipped_across_versions_and_models_and_storage_counts_distinct_bytes()
    {
        var client = await TenantAsync("dedup");
        ModelFile[] first = [Config, Weights];
        var v1 = await (await client.RegisterFilesAsync("dedup", "llm", first)).ExpectAsync(HttpStatusCode.Created);
        await ModelManifests.UploadAllAsync(v1, first);
        await client.FinalizeAsync("dedup", "llm", 1);

        var newConfig = Config with { Content = Encoding.UTF8.GetBytes("{\"architectures\":[\"MistralForCausalLM\"]}") };
        ModelFile[] second = [newConfig, Weights];
        var v2 = await (await client.RegisterFilesAsync("dedup", "llm", second)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("stored", ModelManifests.UploadOf(v2, Weights.Path).GetProperty("method").GetString());
        Assert.Equal("put", ModelManifests.UploadOf(v2, Config.Path).GetProperty("method").GetString());
        await ModelManifests.UploadAllAsync(v2, second);
        Assert.Equal("ready", (await client.FinalizeAsync("dedup", "llm", 2)).GetProperty("state").GetString());
        Assert.Equal(Config.Content.Length + Weights.Content.Length + newConfig.Content.Length, await client.StorageUsedAsync("dedup"));

        // Another model of the tenant shares the stored weights too.
        await (await client.PostAsJsonAsync("/v1/tenants/dedup/models", new { name = "copy" })).ExpectAsync(HttpStatusCode.Created);
        var copy = await (await client.RegisterFilesAsync("dedup", "copy", [Weights])).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("stored", ModelManifests.UploadOf(copy, Weights.Path).GetProperty("method").GetString());
        Assert.Equal("ready", (await client.FinalizeAsync("dedup", "copy", 1)).GetProperty("state").GetString());

        // Deleting a version gives back only the bytes no other version lists; the shared weights stay readable.
        await (await client.DeleteAsync("/v1/tenants/dedup/models/llm/versions/1")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(Weights.Content.Length + newConfig.Content.Length, await client.StorageUsedAsync("dedup"));
        using (var op = await app.OperatorClientAsync())
        {
            await (await op.DeleteAsync("/v1/tenants/dedup/models/llm")).ExpectAsync(HttpStatusCode.NoContent);
        }

        Assert.Equal(Weights.Content.Length, await client.StorageUsedAsync("dedup"));
        var credentials = await (await client.PostAsync("/v1/tenants/dedup/models/copy/versions/1:pull-credentials", null)).ExpectAsync(HttpStatusCode.OK);
        using var http = new HttpClient();
        Assert.Equal(Weights.Content, await http.GetByteArrayAsync(credentials.GetProperty("presignedUrl").GetString()));
    }

    [Fact]
    public async Task Another_tenant_neither_sees_nor_deduplicates_against_these_files()
    {
        var owner = await TenantAsync("blob-owner");
        var v1 = await (await owner.RegisterFilesAsync("blob-owner", "llm", [Weights])).ExpectAsync(HttpStatusCode.Created);
        await ModelManifests.UploadAllAsync(v1, [Weights]);
        await owner.FinalizeAsync("blob-owner", "llm", 1);

        var stranger = await TenantAsync("blob-stranger");
        var theirs = await (await stranger.RegisterFilesAsync("blob-stranger", "llm", [Weights])).ExpectAsync(HttpStatusCode.Created);
        var upload = ModelManifests.UploadOf(theirs, Weights.Path);
        Assert.Equal("multipart", upload.GetProperty("method").GetString());
        Assert.All(upload.GetProperty("parts").EnumerateArray(),
            p => Assert.Contains("tenants/blob-stranger/blobs/", p.GetProperty("url").GetString(), StringComparison.Ordinal));
        // Claiming the owner's bytes without uploading them gets nothing: finalize finds no upload.
        await (await stranger.PostAsync("/v1/tenants/blob-stranger/models/llm/versions/1:finalize", null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "artifact-not-uploaded");
        foreach (var path in new[] { "/v1/tenants/blob-owner/models/llm/versions/1", "/v1/tenants/blob-owner/models/llm/versions/1:pull-credentials" })
        {
            var response = path.EndsWith("credentials", StringComparison.Ordinal) ? await stranger.PostAsync(path, null) : await stranger.GetAsync(path);
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        }

        await (await stranger.PostAsJsonAsync($"/v1/tenants/blob-owner/models/llm/versions/1/files/{Uri.EscapeDataString(Weights.Path)}:upload-parts",
            new { parts = new[] { 1 } })).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(0, await stranger.StorageUsedAsync("blob-stranger"));
    }

    [Fact]
    public async Task Hostile_paths_and_manifests_are_refused_with_field_errors()
    {
        var client = await TenantAsync("paths");
        string[] hostile = ["../etc/passwd", "/abs", "a//b", "a/./b", "a/../b", "trailing/", "a\\b", "a%2Fb", "quote\"d", "bell\u0007", "line\nbreak",
            "", new string('a', 513)];
        foreach (var path in hostile)
        {
            var problem = await (await client.RegisterFilesAsync("paths", "llm", [Config with { Path = path }]))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("files[0].path", out _), path);
        }

        var duplicate = await (await client.RegisterFilesAsync("paths", "llm", [Config, Config])).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(duplicate.GetProperty("errors").TryGetProperty("files[1].path", out _));
        var tooMany = await (await client.RegisterFilesAsync("paths", "llm", Enumerable.Range(0, 1001).Select(i => Config with { Path = $"f{i}" })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("files", out _));
        var badType = await (await client.RegisterFilesAsync("paths", "llm", [Config with { MediaType = "text/plain; charset=\"x\"" }]))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(badType.GetProperty("errors").TryGetProperty("files[0].mediaType", out _));

        // Upload parts: only files of the version, only part numbers it has.
        var registered = await (await client.RegisterFilesAsync("paths", "llm", [Weights])).ExpectAsync(HttpStatusCode.Created);
        var version = registered.GetProperty("version").GetInt32();
        await (await client.PostAsJsonAsync($"/v1/tenants/paths/models/llm/versions/{version}/files/..%2Fweights:upload-parts", new { parts = new[] { 1 } }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await client.PostAsJsonAsync($"/v1/tenants/paths/models/llm/versions/{version}/files/{Uri.EscapeDataString(Weights.Path)}:upload-parts",
            new { parts = new[] { 0, 4 } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var versions = await (await client.GetAsync("/v1/tenants/paths/models/llm/versions")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, versions.GetProperty("items").GetArrayLength());
    }
}
