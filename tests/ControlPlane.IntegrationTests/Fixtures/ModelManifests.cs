using System.Text;
using System.Text.Json;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>A file of a model directory for a test: its path and bytes.</summary>
public sealed record ModelFile(string Path, byte[] Content, string MediaType = "application/octet-stream")
{
    public string Digest => ModelRegistry.DigestOf(Content);

    public static ModelFile Random(string path, int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return new ModelFile(path, content);
    }
}

/// <summary>Registers multi-file versions and uploads them by their plans (PUTs and presigned part PUTs), as the CLI would.</summary>
public static class ModelManifests
{
    public static Task<HttpResponseMessage> RegisterFilesAsync(this HttpClient client, string tenant, string model, IEnumerable<ModelFile> files) =>
        client.PostAsJsonAsync($"/v1/tenants/{tenant}/models/{model}/versions", new
        {
            files = files.Select(f => new { path = f.Path, digest = f.Digest, sizeBytes = f.Content.Length, mediaType = f.MediaType }),
            format = "safetensors", quantization = "bf16",
        });

    /// <summary>The documented canonical manifest, written out independently of the service's code.</summary>
    public static string CanonicalDigest(IEnumerable<ModelFile> files)
    {
        var entries = files.OrderBy(f => Encoding.UTF8.GetBytes(f.Path), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .Select(f => $"{{\"path\":\"{f.Path}\",\"digest\":\"{f.Digest}\",\"sizeBytes\":{f.Content.Length},\"mediaType\":\"{f.MediaType}\"}}");
        return ModelRegistry.DigestOf(Encoding.UTF8.GetBytes("{\"files\":[" + string.Join(",", entries) + "]}"));
    }

    public static JsonElement UploadOf(JsonElement version, string path) =>
        version.GetProperty("uploads").EnumerateArray().Single(u => u.GetProperty("path").GetString() == path);

    /// <summary>Uploads every file of the plan that is not stored yet: one PUT, or each part (parts in parallel, as a CLI does).</summary>
    public static async Task UploadAllAsync(JsonElement registered, IEnumerable<ModelFile> files)
    {
        foreach (var file in files)
        {
            var upload = UploadOf(registered, file.Path);
            switch (upload.GetProperty("method").GetString())
            {
                case "put":
                    await PutAsync(upload.GetProperty("url").GetString()!, file.Content);
                    break;
                case "multipart":
                    await Task.WhenAll(upload.GetProperty("parts").EnumerateArray().Select(p => PutPartAsync(upload, p, file.Content)));
                    break;
            }
        }
    }

    /// <summary>PUTs the bytes part <paramref name="part"/> covers: [(n-1)·partSizeBytes, min(n·partSizeBytes, size)).</summary>
    public static Task PutPartAsync(JsonElement upload, JsonElement part, byte[] content)
    {
        var partSize = upload.GetProperty("partSizeBytes").GetInt64();
        var start = (part.GetProperty("number").GetInt32() - 1) * partSize;
        var end = Math.Min(start + partSize, content.Length);
        return PutAsync(part.GetProperty("url").GetString()!, content[(int)start..(int)end]);
    }

    public static async Task PutAsync(string url, byte[] bytes)
    {
        using var http = new HttpClient();
        using var put = await http.PutAsync(url, new ByteArrayContent(bytes));
        Assert.True(put.IsSuccessStatusCode, $"upload to {url} answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonElement> FinalizeAsync(this HttpClient client, string tenant, string model, int version, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await client.PostAsync($"/v1/tenants/{tenant}/models/{model}/versions/{version}:finalize", null)).ExpectAsync(expected);

    public static async Task<long> StorageUsedAsync(this HttpClient client, string tenant)
    {
        var quotas = await (await client.GetAsync($"/v1/tenants/{tenant}/quotas")).ExpectAsync(HttpStatusCode.OK);
        return quotas.GetProperty("items").EnumerateArray().Single(q => q.GetProperty("resource").GetString() == "storage.bytes").GetProperty("used").GetInt64();
    }
}
