using System.Text.Json.Nodes;

namespace ControlPlane.IntegrationTests.Operations;

public sealed class OpenApiDocumentTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    [Fact]
    public async Task Committed_document_matches_what_the_code_produces()
    {
        using var client = app.CreateClient();
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var committed = JsonNode.Parse(RepositoryFiles.Committed("openapi/controlplane-v1.json"));
        Assert.True(JsonNode.DeepEquals(served, committed),
            "openapi/controlplane-v1.json is stale: build the API project (it regenerates the file) and commit the result.");
    }

    [Fact]
    public async Task Document_is_openapi_3_1_with_client_credentials_and_every_operation_and_schema_described()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var scheme = document["components"]!["securitySchemes"]!["oauth2"]!;
        Assert.Equal("/connect/token", scheme["flows"]!["clientCredentials"]!["tokenUrl"]!.GetValue<string>());

        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!))).ToList();
        Assert.NotEmpty(operations);
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{name} has no description");
            Assert.NotNull(operation["security"]);
        }

        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            Assert.False(string.IsNullOrWhiteSpace(schema!["description"]?.GetValue<string>()), $"schema {name} has no description");
        }
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/swagger/index.html");
        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);
    }
}
