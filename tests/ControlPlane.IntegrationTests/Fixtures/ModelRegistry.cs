using System.Security.Cryptography;
using System.Text.Json;

namespace ControlPlane.IntegrationTests.Fixtures;

/// <summary>Registers, uploads and finalizes model versions through the API, as a CI pipeline would.</summary>
public static class ModelRegistry
{
    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static async Task<JsonElement> RegisterAsync(this HttpClient client, string tenant, string model, byte[] content,
        string? baseModelDigest = null, long? sizeBytes = null, string? digest = null)
    {
        var response = await client.PostAsJsonAsync($"/v1/tenants/{tenant}/models/{model}/versions", new
        {
            digest = digest ?? DigestOf(content), sizeBytes = sizeBytes ?? content.Length, format = "safetensors", quantization = "bf16",
            provenance = new
            {
                trainingDataHash = "sha256:" + new string('a', 64), codeRepository = "https://git.example/llm", codeCommit = "abc123",
                hyperparameters = new { learningRate = 0.0001, epochs = 3 }, baseModelDigest,
            },
        });
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    /// <summary>PUTs the bytes of a one-file version to its presigned URL with a plain HTTP client (what curl -T does).</summary>
    public static async Task UploadAsync(JsonElement registered, byte[] content)
    {
        using var http = new HttpClient();
        var upload = Assert.Single(registered.GetProperty("uploads").EnumerateArray());
        Assert.Equal("put", upload.GetProperty("method").GetString());
        using var put = await http.PutAsync(upload.GetProperty("url").GetString(), new ByteArrayContent(content));
        Assert.True(put.IsSuccessStatusCode, $"upload answered {(int)put.StatusCode}");
    }

    /// <summary>Register, upload, finalize: returns the ready version.</summary>
    public static async Task<JsonElement> PublishAsync(this HttpClient client, string tenant, string model, byte[] content, string? baseModelDigest = null)
    {
        var registered = await client.RegisterAsync(tenant, model, content, baseModelDigest);
        await UploadAsync(registered, content);
        var version = registered.GetProperty("version").GetInt32();
        var ready = await (await client.PostAsync($"/v1/tenants/{tenant}/models/{model}/versions/{version}:finalize", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ready", ready.GetProperty("state").GetString());
        return ready;
    }
}
