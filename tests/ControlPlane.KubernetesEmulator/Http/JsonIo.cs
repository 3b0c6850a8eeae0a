using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ControlPlane.KubernetesEmulator.Http;

/// <summary>Reading JSON request bodies and writing JSON responses the way the API server frames them.</summary>
internal static class JsonIo
{
    // Quotes and non-ASCII stay readable, as in the real server's Go-encoded JSON.
    private static readonly JsonSerializerOptions WireFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return node as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException error)
        {
            // YAML apply bodies land here: KubernetesClient always sends JSON, so the emulator has no YAML parser.
            throw ApiException.BadRequest($"the request body is not valid JSON (the emulator does not parse YAML): {error.Message}");
        }
    }

    public static async Task WriteAsync(HttpResponse response, int statusCode, JsonNode body)
    {
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        await response.WriteAsync(Serialize(body), response.HttpContext.RequestAborted);
    }

    public static string Serialize(JsonNode body) => body.ToJsonString(WireFormat);

    public static Task WriteErrorAsync(HttpResponse response, ApiException error) =>
        WriteAsync(response, error.Code, StatusObjects.Failure(error));

    /// <summary>The media type without parameters such as <c>; charset=utf-8</c>.</summary>
    public static string? MediaType(HttpRequest request) =>
        request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
}
